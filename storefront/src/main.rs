//! The `storefront` binary: `serve` (default), `migrate`, `seed`, `index`, `models`, `openapi`,
//! `bench`.

use anyhow::Context;
use clap::Parser;
use storefront::config::{BenchCommand, Cli, Command, ModelsCommand, NotifyCommand};
use storefront::db::Db;
use tracing_subscriber::EnvFilter;

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_new(&cli.config.log).context("invalid BOLAJON_LOG filter")?)
        .with_writer(std::io::stderr)
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(run(cli))
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = cli.config;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let state = storefront::open_app(&config).await?;
            storefront::start_models(&config, &state);
            storefront::serve(&config, state).await
        }
        Command::Migrate => {
            std::fs::create_dir_all(&config.data_dir)?;
            let db = Db::connect(&config.database_url()).await?;
            db.migrate().await?;
            println!("migrated the {} database", db.backend_name());
            Ok(())
        }
        Command::Seed => {
            std::fs::create_dir_all(&config.data_dir)?;
            let db = Db::connect(&config.database_url()).await?;
            db.migrate().await?;
            let report = storefront::seed::seed_sample(&db).await?;
            println!(
                "seeded {} products: {} approved, {} held for review, {} rejected",
                report.products, report.approved, report.pending, report.rejected
            );
            Ok(())
        }
        Command::Index => {
            std::fs::create_dir_all(&config.data_dir)?;
            let db = Db::connect(&config.database_url()).await?;
            db.migrate().await?;
            let engine = storefront::open_index(&config.index_dir())?;
            let state = storefront::AppState::new(db, std::sync::Arc::new(engine)).await?;
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} products ({per_sec}, eta {eta})",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            let started = std::time::Instant::now();
            let indexed = storefront::indexing::rebuild(&state.0, &|done, total| {
                bar.set_length(total);
                bar.set_position(done);
            })
            .await?;
            bar.finish_and_clear();
            storefront::indexing::catch_up(&state.0, false).await?;
            println!(
                "indexed {indexed} products in {:.2}s",
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Openapi => {
            println!("{}", storefront::openapi::openapi_pretty()?);
            Ok(())
        }
        Command::Models { which } => {
            let dir = config.models_dir()?;
            match which {
                ModelsCommand::Fetch => storefront::ml::fetch_command(&dir),
                ModelsCommand::Status => storefront::ml::status_command(&dir),
                ModelsCommand::TrainToxicity(args) => {
                    storefront::ml::train_toxicity_command(&dir, &args)
                }
            }
        }
        Command::Bench { which } => match which {
            BenchCommand::Search(args) => storefront::bench::run_search_bench(&args).await,
            BenchCommand::Checkout(args) => {
                storefront::commerce::bench::run_checkout_bench(&args).await
            }
            BenchCommand::Notify(args) => storefront::notify::bench::run_notify_bench(&args).await,
            BenchCommand::Login(args) => storefront::auth::bench::run_login_bench(&args).await,
            BenchCommand::Pages(args) => storefront::web::bench::run_pages_bench(&args).await,
        },
        Command::Notify { which } => match which {
            NotifyCommand::VapidKeygen => {
                let key =
                    storefront::notify::push::VapidKey::generate(&config.notify.vapid_subject)?;
                println!("BOLAJON_VAPID_PRIVATE_KEY={}", key.private_key_base64());
                println!(
                    "VAPID public key (applicationServerKey): {}",
                    key.public_key_base64()
                );
                Ok(())
            }
        },
    }
}
