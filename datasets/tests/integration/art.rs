//! Every category has eight small, well-formed SVG pictures.

use datasets::{ART_PER_CATEGORY, render_art_svg, taxonomy};

#[test]
fn renders_every_category_slug() {
    for category in taxonomy().categories {
        for k in 0..ART_PER_CATEGORY {
            let svg = render_art_svg(&category.slug, k)
                .unwrap_or_else(|| panic!("no art for {} {k}", category.slug));
            assert!(
                svg.len() < 3 * 1024,
                "{} {k}: {} bytes",
                category.slug,
                svg.len()
            );
            assert!(svg.starts_with(r#"<svg xmlns="http://www.w3.org/2000/svg" "#));
            for attribute in [
                r#"width="400""#,
                r#"height="400""#,
                r#"viewBox="0 0 200 200""#,
            ] {
                assert!(
                    svg.contains(attribute),
                    "{} {k} lacks {attribute}",
                    category.slug
                );
            }
            assert_well_formed(&svg);
        }
    }
    assert!(render_art_svg("puzzles", ART_PER_CATEGORY).is_none());
    assert!(render_art_svg("unknown", 0).is_none());
}

/// A small XML check: balanced tags, quoted attributes, no stray `<` or `&`.
fn assert_well_formed(svg: &str) {
    let mut open: Vec<&str> = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find('<') {
        let text = &rest[..start];
        assert!(!text.contains(['>', '&']), "stray text {text:?} in {svg}");
        let end = rest[start..]
            .find('>')
            .map(|end| start + end)
            .unwrap_or_else(|| panic!("unclosed tag in {svg}"));
        let tag = &rest[start + 1..end];
        assert!(!tag.contains('<'), "nested < in {tag:?}");
        assert_eq!(
            tag.matches('"').count() % 2,
            0,
            "unbalanced quotes in {tag:?}"
        );
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(open.pop(), Some(name), "mismatched </{name}> in {svg}");
        } else if !tag.ends_with('/') {
            open.push(tag.split_whitespace().next().unwrap_or_default());
        }
        rest = &rest[end + 1..];
    }
    assert!(
        rest.trim().is_empty() && open.is_empty(),
        "unclosed {open:?}"
    );
}
