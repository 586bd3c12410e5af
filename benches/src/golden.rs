//! The kids' golden set: graded queries over the committed 2,000-product sample, with
//! judgements derived from product attributes by one written rule (never from bolajon's own
//! ranking), so a reviewer can check every grade against the catalogue.
//!
//! `datasets/golden/queries.tsv` gives, per query, its audience (age in months), three tiers of
//! category slugs and constraints. The grade of a product is:
//!
//! 1. 0 if the product is not approved by screening or its age range does not admit the
//!    audience (it can never be shown, so it cannot count for or against a system);
//! 2. else the highest tier whose slugs contain the product's category or one of its ancestors:
//!    3 (`grade3`), 2 (`grade2`), 1 (`grade1`), `*` matching every category; 0 when none;
//! 3. then each `want:` constraint the product fails lowers the grade by 1 (not below 0) and a
//!    failed `need:` constraint makes it 0. `title=` / `text=` constraints hold when the folded
//!    title (or title and description, in any language form) contains one of the `|`-separated
//!    folded stems; `price_max=` holds when the lowest price is at most that many so'm.
//!
//! `datasets/golden/judgements.tsv` is the rule's output over the sample (only positive
//! grades), committed so a change of grades shows in review; a test keeps it in step.
//! `datasets/golden/hand_checks.tsv` holds grades checked by hand against the titles, and the
//! rule must agree with every one.

use crate::relevance::{JudgedQuery, Judgements};
use anyhow::{Context, Result, bail};
use engine::{Audience, ModerationStatus, ProductDoc};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// Grade from which a product counts as relevant for MRR and recall.
pub const RELEVANT_GAIN: f64 = 2.0;

/// One constraint of a query's rule.
#[derive(Debug, Clone, PartialEq)]
enum Constraint {
    /// The title (or, with `description`, the title or description) contains one of the stems.
    Text {
        stems: Vec<String>,
        description: bool,
        need: bool,
    },
    /// The lowest price is at most this many tiyin.
    PriceMax { tiyin: i64, need: bool },
}

/// A query's judging rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// Category slugs of grades 3, 2 and 1.
    tiers: [Vec<String>; 3],
    constraints: Vec<Constraint>,
}

/// A golden query: the judged query, its group, language form and audience.
#[derive(Debug, Clone)]
pub struct GoldenQuery {
    /// Id, text and judgements.
    pub query: JudgedQuery,
    /// `category`, `attribute`, `need` or `mixed`.
    pub group: String,
    /// `uz`, `uz-Cyrl`, `ru`, `en` or `mixed`.
    pub lang: String,
    /// Who is searching.
    pub audience: Audience,
    /// The rule the judgements come from.
    pub rule: Rule,
}

/// The golden set with the documents it judges.
#[derive(Debug, Clone)]
pub struct GoldenSet {
    /// The sample's products as the indexer admits them (approved ones only).
    pub docs: Vec<ProductDoc>,
    /// The queries, in file order.
    pub queries: Vec<GoldenQuery>,
}

impl GoldenSet {
    /// The committed folder, `datasets/golden`.
    pub fn default_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../datasets/golden")
    }

    /// Reads `queries.tsv` from `dir` and judges the committed sample with each rule.
    pub fn load(dir: &Path) -> Result<Self> {
        let path = dir.join("queries.tsv");
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let catalog = datasets::sample()?;
        let taxonomy = indexer::taxonomy_of(&catalog.categories)?;
        let brands: HashMap<u64, String> = catalog
            .brands
            .iter()
            .map(|brand| (brand.id, brand.name.clone()))
            .collect();
        let docs: Vec<ProductDoc> = catalog
            .products
            .iter()
            .map(|product| indexer::doc_from_product(product, &brands, &taxonomy))
            .filter(|doc| doc.status == ModerationStatus::Approved)
            .collect();
        let slugs: HashMap<u64, String> = catalog
            .categories
            .iter()
            .map(|category| (category.id, category.slug.clone()))
            .collect();
        let known: BTreeSet<&str> = slugs.values().map(String::as_str).collect();
        let mut queries = Vec::new();
        for (number, line) in text.lines().enumerate() {
            if line.starts_with('#') || line.starts_with("id\t") || line.trim().is_empty() {
                continue;
            }
            let fields: Vec<&str> = line.split('\t').collect();
            let [
                id,
                group,
                lang,
                age,
                query,
                grade3,
                grade2,
                grade1,
                constraints,
            ] = fields.as_slice()
            else {
                bail!("{}:{}: expected 9 fields", path.display(), number + 1);
            };
            let at = || format!("{}:{} ({id})", path.display(), number + 1);
            let tiers = [grade3, grade2, grade1].map(|tier| {
                tier.split_whitespace()
                    .filter(|slug| *slug != "-")
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            });
            for slug in tiers.iter().flatten() {
                if slug != "*" && !known.contains(slug.as_str()) {
                    bail!("{}: unknown category slug {slug:?}", at());
                }
            }
            let rule = Rule {
                tiers,
                constraints: parse_constraints(constraints).with_context(at)?,
            };
            let audience = Audience::new(age.parse::<i64>().with_context(at)?).with_context(at)?;
            let judgements: Judgements = docs
                .iter()
                .map(|doc| (doc.id.0, f64::from(grade(&rule, doc, audience, &slugs))))
                .filter(|(_, gain)| *gain > 0.0)
                .collect();
            queries.push(GoldenQuery {
                query: JudgedQuery {
                    id: (*id).to_string(),
                    text: (*query).to_string(),
                    judgements,
                },
                group: (*group).to_string(),
                lang: (*lang).to_string(),
                audience,
                rule,
            });
        }
        Ok(Self { docs, queries })
    }

    /// Returns the query groups, in first-seen order.
    pub fn groups(&self) -> Vec<String> {
        let mut groups: Vec<String> = Vec::new();
        for query in &self.queries {
            if !groups.contains(&query.group) {
                groups.push(query.group.clone());
            }
        }
        groups
    }

    /// Renders the judgements as `query_id<TAB>product_id<TAB>grade` lines, sorted by query
    /// (file order), then grade (highest first), then product id.
    pub fn judgements_tsv(&self) -> String {
        let mut out = String::from("query_id\tproduct_id\tgrade\n");
        for query in &self.queries {
            let mut judged: Vec<(u64, f64)> = query
                .query
                .judgements
                .iter()
                .map(|(id, gain)| (*id, *gain))
                .collect();
            judged.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            for (id, gain) in judged {
                out.push_str(&format!("{}\t{id}\t{gain}\n", query.query.id));
            }
        }
        out
    }
}

fn parse_constraints(text: &str) -> Result<Vec<Constraint>> {
    if text.trim() == "-" {
        return Ok(Vec::new());
    }
    text.split(';')
        .map(|item| {
            let (strength, rest) = item
                .split_once(':')
                .with_context(|| format!("constraint {item:?} lacks want: or need:"))?;
            let need = match strength {
                "need" => true,
                "want" => false,
                _ => bail!("constraint {item:?} must start with want: or need:"),
            };
            let (key, value) = rest
                .split_once('=')
                .with_context(|| format!("constraint {item:?} lacks ="))?;
            let stems = || {
                value
                    .split('|')
                    .map(engine::fold_text)
                    .filter(|stem| !stem.is_empty())
                    .collect::<Vec<_>>()
            };
            Ok(match key {
                "title" => Constraint::Text {
                    stems: stems(),
                    description: false,
                    need,
                },
                "text" => Constraint::Text {
                    stems: stems(),
                    description: true,
                    need,
                },
                "price_max" => Constraint::PriceMax {
                    tiyin: value.parse::<i64>().context("price_max")? * 100,
                    need,
                },
                _ => bail!("unknown constraint {key:?}"),
            })
        })
        .collect()
}

/// Grades `doc` for a query with `rule` asked by `audience` (see the module docs).
fn grade(rule: &Rule, doc: &ProductDoc, audience: Audience, slugs: &HashMap<u64, String>) -> u8 {
    if doc.status != ModerationStatus::Approved
        || !audience.admits(doc.age_min_months, doc.age_max_months)
    {
        return 0;
    }
    let in_tier = |tier: &[String]| {
        tier.iter().any(|slug| {
            slug == "*"
                || doc
                    .category_path
                    .iter()
                    .any(|id| slugs.get(id).is_some_and(|s| s == slug))
        })
    };
    let mut grade: u8 = match rule.tiers.iter().position(|tier| in_tier(tier)) {
        Some(0) => 3,
        Some(1) => 2,
        Some(_) => 1,
        None => return 0,
    };
    for constraint in &rule.constraints {
        let (holds, need) = match constraint {
            Constraint::Text {
                stems,
                description,
                need,
            } => {
                let mut text: String = doc
                    .titles
                    .iter()
                    .map(|(_, t)| engine::fold_text(t))
                    .collect::<Vec<_>>()
                    .join(" ");
                if *description {
                    for (_, d) in doc.descriptions.iter() {
                        text.push(' ');
                        text.push_str(&engine::fold_text(d));
                    }
                }
                (stems.iter().any(|stem| text.contains(stem.as_str())), *need)
            }
            Constraint::PriceMax { tiyin, need } => (doc.price_tiyin <= *tiyin, *need),
        };
        if !holds {
            grade = if need { 0 } else { grade.saturating_sub(1) };
        }
    }
    grade
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_judgements_are_the_rules_output() -> Result<()> {
        let golden = GoldenSet::load(&GoldenSet::default_dir())?;
        let path = GoldenSet::default_dir().join("judgements.tsv");
        let committed = std::fs::read_to_string(&path)?;
        let derived = golden.judgements_tsv();
        if std::env::var_os("BOLAJON_BLESS").is_some() {
            std::fs::write(&path, &derived)?;
        }
        assert!(
            committed == derived,
            "{} is stale: rerun with BOLAJON_BLESS=1 and review the diff",
            path.display()
        );
        Ok(())
    }

    #[test]
    fn the_set_is_large_and_spread_over_the_language_forms() -> Result<()> {
        let golden = GoldenSet::load(&GoldenSet::default_dir())?;
        assert!(
            golden.queries.len() >= 150,
            "{} queries",
            golden.queries.len()
        );
        for lang in ["uz", "uz-Cyrl", "ru", "en", "mixed"] {
            let n = golden.queries.iter().filter(|q| q.lang == lang).count();
            assert!(n >= 10, "{lang}: {n} queries");
        }
        for query in &golden.queries {
            let relevant = query
                .query
                .judgements
                .values()
                .filter(|g| **g >= RELEVANT_GAIN)
                .count();
            assert!(
                relevant >= 1,
                "{} ({}) has no relevant product",
                query.query.id,
                query.query.text
            );
        }
        Ok(())
    }

    #[test]
    fn the_rule_agrees_with_the_hand_checks() -> Result<()> {
        let golden = GoldenSet::load(&GoldenSet::default_dir())?;
        let path = GoldenSet::default_dir().join("hand_checks.tsv");
        let text = std::fs::read_to_string(&path)?;
        let mut checked = 0;
        for line in text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with("query_id"))
        {
            let fields: Vec<&str> = line.split('\t').collect();
            let [query_id, product_id, expected, ..] = fields.as_slice() else {
                bail!("{}: bad line {line:?}", path.display());
            };
            let query = golden
                .queries
                .iter()
                .find(|q| q.query.id == *query_id)
                .with_context(|| format!("no query {query_id}"))?;
            let id: u64 = product_id.parse()?;
            let got = query.query.judgements.get(&id).copied().unwrap_or(0.0);
            assert_eq!(
                got,
                expected.parse::<f64>()?,
                "{query_id} / product {id}: {line}"
            );
            checked += 1;
        }
        assert!(checked >= 20, "only {checked} hand checks");
        Ok(())
    }

    #[test]
    fn constraints_lower_or_zero_the_grade() -> Result<()> {
        let parsed = parse_constraints("want:title=Wooden|Деревянный;need:price_max=200000")?;
        assert_eq!(parsed.len(), 2);
        assert!(parse_constraints("maybe:title=x").is_err());
        assert!(parse_constraints("want:colour=red").is_err());
        Ok(())
    }
}
