//! Product art: small, deterministic SVG pictures, eight per category.
//!
//! Each category has a motif (a brick, a doll, a book…) drawn from a handful of flat shapes on a
//! coloured background. The picture number `k` picks the palette, the background pattern and a
//! slight tilt, so the eight pictures of a category differ while staying recognisably its own.

use crate::taxonomy::motif_of;
use std::fmt::Write;

/// Pictures per category: `k` runs over `0..ART_PER_CATEGORY`.
pub const ART_PER_CATEGORY: u32 = 8;

/// The picture drawn for a category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Motif {
    Backpack,
    Ball,
    Balloon,
    Bear,
    Bike,
    Blocks,
    Book,
    Bottle,
    Bricks,
    Camera,
    Candy,
    Car,
    Cube,
    Cup,
    Dice,
    Doll,
    Duck,
    Flask,
    Gift,
    Headphones,
    Heart,
    Mask,
    Moon,
    Note,
    Notebook,
    Palette,
    Pencil,
    Puzzle,
    Rattle,
    Robot,
    Screen,
    Shirt,
    Shoe,
    Stroller,
    Sun,
    Tent,
    Watch,
}

/// Background, three fills and an ink colour.
struct Palette {
    background: &'static str,
    a: &'static str,
    b: &'static str,
    c: &'static str,
    ink: &'static str,
}

const PALETTES: [Palette; 8] = [
    Palette {
        background: "#FFF3D6",
        a: "#FF8A5B",
        b: "#4FB3BF",
        c: "#FFD23F",
        ink: "#3D405B",
    },
    Palette {
        background: "#E8F6EF",
        a: "#2A9D8F",
        b: "#E76F51",
        c: "#F4A261",
        ink: "#264653",
    },
    Palette {
        background: "#EEF0FF",
        a: "#6C63FF",
        b: "#FF6584",
        c: "#FFC145",
        ink: "#2F2E41",
    },
    Palette {
        background: "#FFE8EC",
        a: "#EF476F",
        b: "#118AB2",
        c: "#FFD166",
        ink: "#073B4C",
    },
    Palette {
        background: "#E6F4FF",
        a: "#3A86FF",
        b: "#FB5607",
        c: "#FFBE0B",
        ink: "#1D3557",
    },
    Palette {
        background: "#F1F8E9",
        a: "#7CB518",
        b: "#F77F00",
        c: "#FCBF49",
        ink: "#283618",
    },
    Palette {
        background: "#FDF0FF",
        a: "#B5179E",
        b: "#4CC9F0",
        c: "#F9C74F",
        ink: "#3A0CA3",
    },
    Palette {
        background: "#FFF8E7",
        a: "#D62828",
        b: "#003049",
        c: "#F77F00",
        ink: "#2B2D42",
    },
];

const TILTS: [i32; 8] = [-6, 0, 6, -3, 3, 0, -8, 8];

/// Renders picture `k` of a category as an SVG document (400×400, under 3 KB).
///
/// Returns `None` for an unknown slug or `k ≥ 8`. The same arguments always give the same
/// bytes.
pub fn render_art_svg(category_slug: &str, k: u32) -> Option<String> {
    if k >= ART_PER_CATEGORY {
        return None;
    }
    let motif = motif_of(category_slug)?;
    let salt = fnv1a(category_slug);
    let palette = &PALETTES[((u64::from(k) + salt) % 8) as usize];
    let tilt = TILTS[k as usize];
    let scale = ["1", "0.92", "1.06"][(k % 3) as usize];

    let mut svg = String::with_capacity(2048);
    svg.push_str(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 200 200">"#,
    );
    let _ = write!(
        svg,
        r#"<rect width="200" height="200" fill="{}"/>"#,
        palette.background
    );
    push_pattern(&mut svg, (k + (salt % 4) as u32) % 4, palette, salt);
    let _ = write!(
        svg,
        r#"<g transform="rotate({tilt} 100 100) translate(100 100) scale({scale}) translate(-100 -100)">"#
    );
    push_motif(&mut svg, motif, palette);
    svg.push_str("</g></svg>");
    Some(svg)
}

fn push_pattern(svg: &mut String, pattern: u32, p: &Palette, salt: u64) {
    match pattern {
        0 => {
            for row in 0..4 {
                for col in 0..4 {
                    let _ = write!(
                        svg,
                        r#"<circle cx="{}" cy="{}" r="3" fill="{}" opacity="0.35"/>"#,
                        25 + col * 50,
                        25 + row * 50,
                        p.b
                    );
                }
            }
        }
        1 => {
            for i in 0..5 {
                let x = i * 50 - 20;
                let _ = write!(
                    svg,
                    r#"<path d="M{x} 200 L{} 0" stroke="{}" stroke-width="14" opacity="0.12"/>"#,
                    x + 60,
                    p.a
                );
            }
        }
        2 => {
            let _ = write!(
                svg,
                r#"<circle cx="100" cy="100" r="82" fill="{}" opacity="0.18"/><circle cx="100" cy="100" r="62" fill="{}" opacity="0.18"/>"#,
                p.c, p.b
            );
        }
        _ => {
            for i in 0..8u64 {
                let h = salt.rotate_left((i * 8) as u32);
                let x = 10 + h % 180;
                let y = 10 + (h >> 16) % 180;
                let fill = [p.a, p.b, p.c][(i % 3) as usize];
                let _ = write!(
                    svg,
                    r#"<rect x="{x}" y="{y}" width="7" height="7" rx="2" fill="{fill}" opacity="0.4" transform="rotate({} {x} {y})"/>"#,
                    (h >> 32) % 90
                );
            }
        }
    }
}

fn push_motif(svg: &mut String, motif: Motif, p: &Palette) {
    let (a, b, c, ink) = (p.a, p.b, p.c, p.ink);
    let _ = match motif {
        Motif::Backpack => write!(
            svg,
            r#"<path d="M80 55 Q100 35 120 55" fill="none" stroke="{ink}" stroke-width="6"/><rect x="55" y="55" width="90" height="105" rx="22" fill="{a}"/><rect x="70" y="105" width="60" height="40" rx="8" fill="{b}"/><rect x="70" y="70" width="60" height="10" rx="5" fill="{c}"/>"#
        ),
        Motif::Ball => write!(
            svg,
            r#"<circle cx="100" cy="100" r="55" fill="{a}"/><path d="M45 100 H155 M100 45 V155" stroke="{ink}" stroke-width="5"/><path d="M62 62 Q100 100 62 138 M138 62 Q100 100 138 138" fill="none" stroke="{ink}" stroke-width="5"/>"#
        ),
        Motif::Balloon => write!(
            svg,
            r#"<ellipse cx="80" cy="80" rx="30" ry="36" fill="{a}"/><ellipse cx="125" cy="95" rx="28" ry="34" fill="{b}"/><path d="M80 116 Q90 140 100 165 M125 129 Q112 150 100 165" fill="none" stroke="{ink}" stroke-width="2"/><circle cx="70" cy="68" r="7" fill="{c}" opacity="0.7"/>"#
        ),
        Motif::Bear => write!(
            svg,
            r#"<circle cx="68" cy="62" r="18" fill="{a}"/><circle cx="132" cy="62" r="18" fill="{a}"/><circle cx="100" cy="95" r="45" fill="{a}"/><ellipse cx="100" cy="112" rx="20" ry="15" fill="{c}"/><circle cx="84" cy="88" r="5" fill="{ink}"/><circle cx="116" cy="88" r="5" fill="{ink}"/><circle cx="100" cy="106" r="5" fill="{ink}"/><rect x="70" y="135" width="60" height="30" rx="14" fill="{b}"/>"#
        ),
        Motif::Bike => write!(
            svg,
            r#"<circle cx="60" cy="130" r="28" fill="none" stroke="{ink}" stroke-width="7"/><circle cx="140" cy="130" r="28" fill="none" stroke="{ink}" stroke-width="7"/><path d="M60 130 L90 85 L130 85 L140 130 M90 85 L105 130 L130 85" fill="none" stroke="{a}" stroke-width="7" stroke-linejoin="round"/><path d="M82 75 H100 M125 70 L132 85" stroke="{b}" stroke-width="7" stroke-linecap="round"/>"#
        ),
        Motif::Blocks => write!(
            svg,
            r#"<rect x="45" y="110" width="50" height="50" rx="6" fill="{a}"/><rect x="105" y="110" width="50" height="50" rx="6" fill="{b}"/><rect x="75" y="55" width="50" height="50" rx="6" fill="{c}"/><text x="100" y="92" font-family="sans-serif" font-size="30" font-weight="bold" text-anchor="middle" fill="{ink}">A</text>"#
        ),
        Motif::Book => write!(
            svg,
            r#"<path d="M100 60 Q70 45 40 55 V150 Q70 140 100 155 Z" fill="{a}"/><path d="M100 60 Q130 45 160 55 V150 Q130 140 100 155 Z" fill="{b}"/><path d="M55 75 Q75 70 90 77 M55 92 Q75 87 90 94 M110 77 Q125 70 145 75 M110 94 Q125 87 145 92" fill="none" stroke="{c}" stroke-width="4" stroke-linecap="round"/>"#
        ),
        Motif::Bottle => write!(
            svg,
            r#"<rect x="88" y="35" width="24" height="18" rx="9" fill="{c}"/><rect x="80" y="50" width="40" height="12" rx="4" fill="{b}"/><rect x="70" y="60" width="60" height="105" rx="18" fill="{a}"/><path d="M82 90 H98 M82 110 H98 M82 130 H98" stroke="{ink}" stroke-width="4" stroke-linecap="round" opacity="0.6"/>"#
        ),
        Motif::Bricks => write!(
            svg,
            r#"<rect x="40" y="105" width="120" height="50" rx="6" fill="{a}"/><rect x="52" y="92" width="20" height="14" rx="3" fill="{a}"/><rect x="90" y="92" width="20" height="14" rx="3" fill="{a}"/><rect x="128" y="92" width="20" height="14" rx="3" fill="{a}"/><rect x="65" y="60" width="70" height="32" rx="5" fill="{b}"/><rect x="75" y="48" width="18" height="13" rx="3" fill="{b}"/><rect x="107" y="48" width="18" height="13" rx="3" fill="{b}"/>"#
        ),
        Motif::Camera => write!(
            svg,
            r#"<rect x="40" y="70" width="120" height="80" rx="14" fill="{a}"/><rect x="70" y="55" width="35" height="20" rx="5" fill="{ink}"/><circle cx="100" cy="110" r="28" fill="{c}"/><circle cx="100" cy="110" r="16" fill="{ink}"/><circle cx="140" cy="85" r="6" fill="{b}"/>"#
        ),
        Motif::Candy => write!(
            svg,
            r#"<path d="M55 100 L30 78 V122 Z M145 100 L170 78 V122 Z" fill="{b}"/><ellipse cx="100" cy="100" rx="48" ry="32" fill="{a}"/><path d="M75 78 Q90 100 75 122 M100 70 Q115 100 100 130 M125 78 Q140 100 125 122" fill="none" stroke="{c}" stroke-width="6"/>"#
        ),
        Motif::Car => write!(
            svg,
            r#"<path d="M35 130 V110 Q40 95 60 92 L80 70 H125 L145 92 Q165 96 165 112 V130 Z" fill="{a}"/><path d="M86 78 H106 V94 H72 Z M112 78 H122 L136 94 H112 Z" fill="{c}"/><circle cx="65" cy="132" r="16" fill="{ink}"/><circle cx="135" cy="132" r="16" fill="{ink}"/><circle cx="65" cy="132" r="6" fill="{b}"/><circle cx="135" cy="132" r="6" fill="{b}"/>"#
        ),
        Motif::Cube => write!(
            svg,
            r#"<path d="M100 40 L155 70 L100 100 L45 70 Z" fill="{c}"/><path d="M45 70 L100 100 V160 L45 130 Z" fill="{a}"/><path d="M155 70 L100 100 V160 L155 130 Z" fill="{b}"/><path d="M63 80 V140 M82 90 V150 M118 90 V150 M137 80 V140 M72 55 L127 85 M127 55 L72 85" stroke="{ink}" stroke-width="3" opacity="0.5"/>"#
        ),
        Motif::Cup => write!(
            svg,
            r#"<path d="M50 80 H150 L140 150 Q138 160 128 160 H72 Q62 160 60 150 Z" fill="{a}"/><path d="M150 95 Q175 95 170 118 Q166 135 146 132" fill="none" stroke="{a}" stroke-width="9"/><ellipse cx="100" cy="80" rx="50" ry="10" fill="{c}"/><path d="M85 60 Q92 48 85 38 M110 60 Q117 48 110 38" fill="none" stroke="{b}" stroke-width="4" stroke-linecap="round"/>"#
        ),
        Motif::Dice => write!(
            svg,
            r#"<rect x="40" y="60" width="70" height="70" rx="12" fill="{a}" transform="rotate(-10 75 95)"/><rect x="95" y="85" width="65" height="65" rx="12" fill="{b}" transform="rotate(12 127 117)"/><circle cx="60" cy="80" r="6" fill="{c}"/><circle cx="88" cy="106" r="6" fill="{c}"/><circle cx="74" cy="93" r="6" fill="{c}"/><circle cx="115" cy="105" r="6" fill="{c}"/><circle cx="140" cy="130" r="6" fill="{c}"/>"#
        ),
        Motif::Doll => write!(
            svg,
            r#"<path d="M100 95 L145 165 H55 Z" fill="{a}"/><circle cx="100" cy="72" r="28" fill="{c}"/><path d="M72 72 Q72 40 100 40 Q128 40 128 72 Q118 55 100 55 Q82 55 72 72 Z" fill="{ink}"/><circle cx="90" cy="75" r="3.5" fill="{ink}"/><circle cx="110" cy="75" r="3.5" fill="{ink}"/><path d="M92 87 Q100 93 108 87" fill="none" stroke="{b}" stroke-width="3" stroke-linecap="round"/>"#
        ),
        Motif::Duck => write!(
            svg,
            r#"<ellipse cx="95" cy="125" rx="55" ry="32" fill="{c}"/><circle cx="125" cy="80" r="26" fill="{c}"/><path d="M148 78 L170 86 L148 92 Z" fill="{b}"/><circle cx="130" cy="74" r="4" fill="{ink}"/><path d="M65 118 Q90 132 110 112" fill="none" stroke="{a}" stroke-width="5" stroke-linecap="round"/>"#
        ),
        Motif::Flask => write!(
            svg,
            r#"<path d="M85 40 H115 V80 L150 150 Q153 162 140 162 H60 Q47 162 50 150 L85 80 Z" fill="{b}" opacity="0.35"/><path d="M70 115 H130 L150 150 Q153 162 140 162 H60 Q47 162 50 150 Z" fill="{a}"/><rect x="80" y="32" width="40" height="10" rx="5" fill="{ink}"/><circle cx="95" cy="135" r="6" fill="{c}"/><circle cx="115" cy="145" r="4" fill="{c}"/>"#
        ),
        Motif::Gift => write!(
            svg,
            r#"<rect x="50" y="85" width="100" height="75" rx="6" fill="{a}"/><rect x="42" y="70" width="116" height="22" rx="5" fill="{b}"/><rect x="92" y="70" width="16" height="90" fill="{c}"/><path d="M100 70 Q80 40 68 58 Q62 70 100 70 Q120 40 132 58 Q138 70 100 70" fill="{c}"/>"#
        ),
        Motif::Headphones => write!(
            svg,
            r#"<path d="M55 120 V100 Q55 50 100 50 Q145 50 145 100 V120" fill="none" stroke="{ink}" stroke-width="9"/><rect x="40" y="105" width="30" height="50" rx="12" fill="{a}"/><rect x="130" y="105" width="30" height="50" rx="12" fill="{a}"/><circle cx="55" cy="130" r="6" fill="{c}"/><circle cx="145" cy="130" r="6" fill="{c}"/>"#
        ),
        Motif::Heart => write!(
            svg,
            r#"<path d="M100 160 L50 110 Q30 85 50 62 Q72 42 100 70 Q128 42 150 62 Q170 85 150 110 Z" fill="{a}"/><circle cx="72" cy="78" r="9" fill="{c}" opacity="0.8"/>"#
        ),
        Motif::Mask => write!(
            svg,
            r#"<path d="M35 85 Q100 60 165 85 Q165 135 125 130 Q100 110 75 130 Q35 135 35 85 Z" fill="{a}"/><ellipse cx="75" cy="100" rx="14" ry="10" fill="{ink}"/><ellipse cx="125" cy="100" rx="14" ry="10" fill="{ink}"/><path d="M165 85 Q180 60 170 45" fill="none" stroke="{b}" stroke-width="5"/><circle cx="170" cy="42" r="7" fill="{c}"/>"#
        ),
        Motif::Moon => write!(
            svg,
            r#"<path d="M120 40 A60 60 0 1 0 160 130 A48 48 0 1 1 120 40 Z" fill="{c}"/><circle cx="150" cy="60" r="5" fill="{a}"/><circle cx="60" cy="50" r="4" fill="{b}"/><circle cx="165" cy="100" r="3" fill="{b}"/>"#
        ),
        Motif::Note => write!(
            svg,
            r#"<path d="M80 140 V55 L145 42 V125" fill="none" stroke="{ink}" stroke-width="8" stroke-linejoin="round"/><ellipse cx="68" cy="140" rx="18" ry="13" fill="{a}"/><ellipse cx="133" cy="127" rx="18" ry="13" fill="{b}"/><path d="M80 70 L145 57" stroke="{c}" stroke-width="8"/>"#
        ),
        Motif::Notebook => write!(
            svg,
            r#"<rect x="55" y="40" width="95" height="125" rx="8" fill="{a}"/><rect x="72" y="40" width="78" height="125" rx="6" fill="{c}"/><path d="M85 70 H138 M85 90 H138 M85 110 H138 M85 130 H125" stroke="{b}" stroke-width="4" stroke-linecap="round"/><path d="M55 60 H68 M55 85 H68 M55 110 H68 M55 135 H68" stroke="{ink}" stroke-width="4"/>"#
        ),
        Motif::Palette => write!(
            svg,
            r#"<path d="M100 45 Q160 45 160 100 Q160 130 130 125 Q112 122 115 140 Q118 158 95 157 Q40 153 40 100 Q40 45 100 45 Z" fill="{c}"/><circle cx="75" cy="80" r="10" fill="{a}"/><circle cx="105" cy="68" r="10" fill="{b}"/><circle cx="135" cy="88" r="10" fill="{ink}"/><circle cx="70" cy="115" r="10" fill="{b}"/>"#
        ),
        Motif::Pencil => write!(
            svg,
            r#"<g transform="rotate(-35 100 100)"><rect x="40" y="85" width="100" height="30" fill="{a}"/><path d="M140 85 L170 100 L140 115 Z" fill="{c}"/><path d="M160 95 L170 100 L160 105 Z" fill="{ink}"/><rect x="28" y="85" width="14" height="30" rx="4" fill="{b}"/><path d="M40 95 H140" stroke="{ink}" stroke-width="2" opacity="0.3"/></g>"#
        ),
        Motif::Puzzle => write!(
            svg,
            r#"<path d="M50 60 H85 Q80 40 100 40 Q120 40 115 60 H150 V95 Q170 90 170 110 Q170 130 150 125 V160 H115 Q120 140 100 140 Q80 140 85 160 H50 V125 Q30 130 30 110 Q30 90 50 95 Z" fill="{a}"/><circle cx="100" cy="100" r="14" fill="{c}"/>"#
        ),
        Motif::Rattle => write!(
            svg,
            r#"<rect x="92" y="100" width="16" height="60" rx="8" fill="{b}"/><circle cx="100" cy="70" r="36" fill="{a}"/><circle cx="100" cy="165" r="12" fill="{c}"/><circle cx="88" cy="62" r="6" fill="{c}"/><circle cx="112" cy="78" r="6" fill="{c}"/>"#
        ),
        Motif::Robot => write!(
            svg,
            r#"<path d="M100 38 V55" stroke="{ink}" stroke-width="5"/><circle cx="100" cy="35" r="7" fill="{b}"/><rect x="65" y="55" width="70" height="50" rx="10" fill="{a}"/><circle cx="85" cy="80" r="8" fill="{c}"/><circle cx="115" cy="80" r="8" fill="{c}"/><rect x="60" y="110" width="80" height="50" rx="8" fill="{b}"/><rect x="85" y="122" width="30" height="8" rx="4" fill="{c}"/>"#
        ),
        Motif::Screen => write!(
            svg,
            r#"<rect x="45" y="50" width="110" height="100" rx="12" fill="{ink}"/><rect x="55" y="60" width="90" height="75" rx="4" fill="{b}"/><circle cx="100" cy="143" r="4" fill="{c}"/><path d="M80 115 L95 95 L105 108 L115 98 L130 115 Z" fill="{c}"/><circle cx="75" cy="80" r="7" fill="{a}"/>"#
        ),
        Motif::Shirt => write!(
            svg,
            r#"<path d="M75 45 Q100 60 125 45 L165 70 L150 95 L135 88 V160 H65 V88 L50 95 L35 70 Z" fill="{a}"/><path d="M85 47 Q100 70 115 47" fill="none" stroke="{c}" stroke-width="5"/><circle cx="100" cy="115" r="14" fill="{b}"/>"#
        ),
        Motif::Shoe => write!(
            svg,
            r#"<path d="M40 95 Q45 70 70 75 L95 100 Q140 105 160 125 V145 H40 Z" fill="{a}"/><rect x="40" y="140" width="122" height="12" rx="5" fill="{ink}"/><path d="M72 90 L85 82 M80 98 L93 90" stroke="{c}" stroke-width="4" stroke-linecap="round"/><circle cx="130" cy="128" r="6" fill="{b}"/>"#
        ),
        Motif::Stroller => write!(
            svg,
            r#"<path d="M55 100 A50 50 0 0 1 105 50 V100 Z" fill="{b}"/><path d="M55 100 H150 Q148 135 110 138 H90 Q58 135 55 100 Z" fill="{a}"/><path d="M150 100 L168 60" stroke="{ink}" stroke-width="6" stroke-linecap="round"/><circle cx="75" cy="152" r="13" fill="{ink}"/><circle cx="130" cy="152" r="13" fill="{ink}"/>"#
        ),
        Motif::Sun => write!(
            svg,
            r#"<circle cx="100" cy="100" r="35" fill="{c}"/><path d="M100 40 V25 M100 160 V175 M40 100 H25 M160 100 H175 M58 58 L47 47 M142 58 L153 47 M58 142 L47 153 M142 142 L153 153" stroke="{a}" stroke-width="8" stroke-linecap="round"/><path d="M85 105 Q100 118 115 105" fill="none" stroke="{ink}" stroke-width="4" stroke-linecap="round"/>"#
        ),
        Motif::Tent => write!(
            svg,
            r#"<path d="M100 45 L165 155 H35 Z" fill="{a}"/><path d="M100 45 L125 155 H75 Z" fill="{b}"/><path d="M100 45 V30" stroke="{ink}" stroke-width="4"/><path d="M100 30 L120 36 L100 42 Z" fill="{c}"/><path d="M25 155 H175" stroke="{ink}" stroke-width="5" stroke-linecap="round"/>"#
        ),
        Motif::Watch => write!(
            svg,
            r#"<rect x="80" y="30" width="40" height="140" rx="12" fill="{b}"/><rect x="62" y="65" width="76" height="70" rx="18" fill="{ink}"/><rect x="70" y="73" width="60" height="54" rx="12" fill="{a}"/><path d="M100 88 V100 L110 106" stroke="{c}" stroke-width="5" stroke-linecap="round" fill="none"/>"#
        ),
    };
}

/// FNV-1a, stable across platforms and Rust versions (unlike `DefaultHasher`).
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_unknown_slugs_and_pictures() {
        assert!(render_art_svg("no-such-category", 0).is_none());
        assert!(render_art_svg("dolls", ART_PER_CATEGORY).is_none());
        assert!(render_art_svg("dolls", 7).is_some());
    }

    #[test]
    fn differs_by_picture_and_repeats_exactly() {
        let first = render_art_svg("puzzles", 0);
        assert_eq!(first, render_art_svg("puzzles", 0));
        assert_ne!(first, render_art_svg("puzzles", 1));
    }
}
