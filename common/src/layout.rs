//! A small page layout over printpdf: text measured with the embedded font's own glyph widths,
//! wrapped to the box it is given, pages added as content grows (or, on an 80 mm roll, the page
//! grows with the content). Every piece of text placed is recorded, so that a test can prove
//! none runs past the margins ([`Canvas::violations`]).
//!
//! Coordinates are millimetres from the top-left corner of the page; they are turned into PDF
//! points (from the bottom-left) only when the file is written.

use std::sync::LazyLock;

/// A decoded image (a centre's logo), as the canvas places it.
pub use printpdf::RawImage;
use printpdf::{
    Color, Greyscale, Line, LinePoint, Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point,
    Polygon, PolygonRing, Pt, TextItem, TextMatrix, XObjectTransform,
};

const REGULAR_TTF: &[u8] = include_bytes!("../../assets/fonts/LiberationSans-Regular.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../assets/fonts/LiberationSans-Bold.ttf");
const MM_PER_PT: f32 = 25.4 / 72.0;
/// Tolerance for rounding when checking a position against a margin.
const EPSILON: f32 = 0.01;

/// The fonts as printpdf embeds them, and as measured (ttf-parser reads the same file's
/// advance widths, so a measured line is exactly as wide as the printed one).
struct Fonts {
    regular: ParsedFont,
    bold: ParsedFont,
    regular_face: ttf_parser::Face<'static>,
    bold_face: ttf_parser::Face<'static>,
}

static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let parse = |bytes: &[u8]| {
        ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).expect("the shipped Liberation Sans font parses")
    };
    let face =
        |bytes: &'static [u8]| ttf_parser::Face::parse(bytes, 0).expect("the shipped Liberation Sans font parses");
    Fonts {
        regular: parse(REGULAR_TTF),
        bold: parse(BOLD_TTF),
        regular_face: face(REGULAR_TTF),
        bold_face: face(BOLD_TTF),
    }
});

fn face(bold: bool) -> &'static ttf_parser::Face<'static> {
    if bold {
        &FONTS.bold_face
    } else {
        &FONTS.regular_face
    }
}

/// Whether the embedded font draws this character (else it would print as an empty box).
pub fn has_glyph(c: char, bold: bool) -> bool {
    c.is_control() || face(bold).glyph_index(c).is_some_and(|g| g.0 != 0)
}

/// The width of a line of text, in millimetres, at `size` points.
pub fn text_width(text: &str, size: f32, bold: bool) -> f32 {
    let f = face(bold);
    let units: u32 = text
        .chars()
        .map(|c| {
            let glyph = f.glyph_index(c).unwrap_or(ttf_parser::GlyphId(0));
            f.glyph_hor_advance(glyph).unwrap_or(0) as u32
        })
        .sum();
    units as f32 / f.units_per_em() as f32 * size * MM_PER_PT
}

/// The height of a line of text at `size` points, in millimetres.
pub fn line_height(size: f32) -> f32 {
    size * 1.22 * MM_PER_PT
}

/// Splits `text` into lines no wider than `width`: at spaces, and inside a word only when the
/// word alone is wider than the box (a long serial number, a URL).
pub fn wrap(text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if text_width(&candidate, size, bold) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // The word alone: break it where it must.
            let mut piece = String::new();
            for c in word.chars() {
                piece.push(c);
                if text_width(&piece, size, bold) > width && piece.chars().count() > 1 {
                    piece.pop();
                    lines.push(std::mem::take(&mut piece));
                    piece.push(c);
                }
            }
            line = piece;
        }
        lines.push(line);
    }
    lines
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
    Center,
}

/// A piece of text as placed on a page: where, how big, how wide.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub page: usize,
    pub x: f32,
    /// Baseline, from the top of the page.
    pub y: f32,
    pub width: f32,
    pub size: f32,
    pub bold: bool,
    pub text: String,
}

#[derive(Debug, Clone)]
enum Item {
    Text(Placed),
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        thickness: f32,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<f32>,
    },
    Image {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        image: usize,
    },
}

/// Pages being laid out.
pub struct Canvas {
    pub width: f32,
    /// None: a roll, whose single page is as long as its content.
    height: Option<f32>,
    pub margin: f32,
    pages: Vec<Vec<Item>>,
    images: Vec<RawImage>,
    /// The current position, from the top of the current page.
    pub y: f32,
    /// Printed at the top of every page after the first (e.g. "Ticket n° … (suite)").
    continuation: Option<String>,
}

impl Canvas {
    pub fn new(width: f32, height: Option<f32>, margin: f32) -> Canvas {
        Canvas {
            width,
            height,
            margin,
            pages: vec![Vec::new()],
            images: Vec::new(),
            y: margin,
            continuation: None,
        }
    }

    pub fn a4() -> Canvas {
        Canvas::new(210.0, Some(297.0), 15.0)
    }

    /// An 80 mm thermal roll: 72 mm printable, 4 mm each side.
    pub fn roll_80mm() -> Canvas {
        Canvas::new(80.0, None, 4.0)
    }

    pub fn set_continuation(&mut self, text: impl Into<String>) {
        self.continuation = Some(text.into());
    }

    pub fn left(&self) -> f32 {
        self.margin
    }

    pub fn right(&self) -> f32 {
        self.width - self.margin
    }

    pub fn content_width(&self) -> f32 {
        self.width - 2.0 * self.margin
    }

    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    fn page_height(&self) -> f32 {
        self.height.unwrap_or(self.y + self.margin)
    }

    /// The room left on this page (unbounded on a roll).
    pub fn room(&self) -> f32 {
        match self.height {
            Some(h) => h - self.margin - self.y,
            None => f32::INFINITY,
        }
    }

    /// Makes sure `height` fits on the current page, starting a new page if not.
    pub fn ensure(&mut self, height: f32) {
        if height > self.room() && self.y > self.margin + EPSILON {
            self.pages.push(Vec::new());
            self.y = self.margin;
            if let Some(text) = self.continuation.clone() {
                self.line(&text, 9.0, false, Align::Left);
                self.space(2.0);
            }
        }
    }

    pub fn space(&mut self, mm: f32) {
        self.y += mm;
    }

    fn push(&mut self, item: Item) {
        self.pages.last_mut().expect("a page").push(item);
    }

    /// Places one line of text whose baseline is at `baseline` (from the top).
    pub fn text_at(&mut self, x: f32, baseline: f32, text: &str, size: f32, bold: bool) {
        if text.is_empty() {
            return;
        }
        let placed = Placed {
            page: self.pages.len() - 1,
            x,
            y: baseline,
            width: text_width(text, size, bold),
            size,
            bold,
            text: text.to_string(),
        };
        self.push(Item::Text(placed));
    }

    /// Places a line in the box `[x, x + width]` at the current position, aligned, and moves
    /// down by one line. The text must fit (use [`Canvas::paragraph_in`] otherwise).
    pub fn line_in(&mut self, x: f32, width: f32, text: &str, size: f32, bold: bool, align: Align) {
        let h = line_height(size);
        self.ensure(h);
        let w = text_width(text, size, bold);
        let at = match align {
            Align::Left => x,
            Align::Right => x + width - w,
            Align::Center => x + (width - w) / 2.0,
        };
        let baseline = self.y + size * 0.9 * MM_PER_PT;
        self.text_at(at, baseline, text, size, bold);
        self.y += h;
    }

    pub fn line(&mut self, text: &str, size: f32, bold: bool, align: Align) {
        let (x, w) = (self.left(), self.content_width());
        self.line_in(x, w, text, size, bold, align);
    }

    /// Wraps `text` into the box `[x, x + width]`, line after line from the current position.
    pub fn paragraph_in(&mut self, x: f32, width: f32, text: &str, size: f32, bold: bool, align: Align) {
        for line in wrap(text, size, bold, width) {
            self.line_in(x, width, &line, size, bold, align);
        }
    }

    /// Wraps `text` across the page's width.
    pub fn paragraph(&mut self, text: &str, size: f32, bold: bool) {
        let (x, w) = (self.left(), self.content_width());
        self.paragraph_in(x, w, text, size, bold, Align::Left);
    }

    /// The height `text` takes once wrapped in `width`.
    pub fn measure(text: &str, size: f32, bold: bool, width: f32) -> f32 {
        wrap(text, size, bold, width).len() as f32 * line_height(size)
    }

    /// A "label: value" pair, the label in bold, the value wrapped beside it.
    pub fn field(&mut self, label: &str, value: &str, size: f32) {
        let label = format!("{label} : ");
        let lw = text_width(&label, size, true);
        let (x, w) = (self.left(), self.content_width());
        let lines = wrap(value, size, false, w - lw);
        self.ensure(line_height(size) * lines.len() as f32);
        let baseline = self.y + size * 0.9 * MM_PER_PT;
        self.text_at(x, baseline, &label, size, true);
        for line in lines {
            self.line_in(x + lw, w - lw, &line, size, false, Align::Left);
        }
    }

    pub fn hline(&mut self, thickness: f32) {
        let (x1, x2, y) = (self.left(), self.right(), self.y);
        self.push(Item::Line {
            x1,
            y1: y,
            x2,
            y2: y,
            thickness,
        });
    }

    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, fill: Option<f32>) {
        self.push(Item::Rect { x, y, w, h, fill });
    }

    /// Draws a QR code of `text`, `size` mm wide, its top-left corner at (x, y).
    pub fn qr(&mut self, x: f32, y: f32, size: f32, text: &str) {
        let Ok(code) = qrcode::QrCode::new(text.as_bytes()) else {
            return;
        };
        let n = code.width();
        // A quiet zone of 2 modules on each side is part of the size.
        let module = size / (n as f32 + 4.0);
        let colors = code.to_colors();
        for row in 0..n {
            let mut col = 0;
            while col < n {
                if colors[row * n + col] == qrcode::Color::Dark {
                    let start = col;
                    while col < n && colors[row * n + col] == qrcode::Color::Dark {
                        col += 1;
                    }
                    self.rect(
                        x + (start as f32 + 2.0) * module,
                        y + (row as f32 + 2.0) * module,
                        (col - start) as f32 * module,
                        module,
                        Some(0.0),
                    );
                } else {
                    col += 1;
                }
            }
        }
    }

    /// Places an image (already decoded) in a box, keeping its proportions; returns the width
    /// used. The image is drawn from (x, y), top-left.
    pub fn image(&mut self, x: f32, y: f32, max_w: f32, max_h: f32, image: RawImage) -> (f32, f32) {
        let ratio = image.width as f32 / image.height.max(1) as f32;
        let (mut w, mut h) = (max_w, max_w / ratio);
        if h > max_h {
            h = max_h;
            w = max_h * ratio;
        }
        self.images.push(image);
        let index = self.images.len() - 1;
        self.push(Item::Image {
            x,
            y,
            w,
            h,
            image: index,
        });
        (w, h)
    }

    /// Text placed outside the printable box, or with a character the font does not draw.
    pub fn violations(&self) -> Vec<String> {
        let mut found = Vec::new();
        for p in self.placed() {
            let page_h = self.page_height();
            if p.x < self.left() - EPSILON || p.x + p.width > self.right() + EPSILON {
                found.push(format!(
                    "page {} : « {} » de {:.1} à {:.1} mm, hors de la marge ({:.1}–{:.1} mm)",
                    p.page + 1,
                    p.text,
                    p.x,
                    p.x + p.width,
                    self.left(),
                    self.right()
                ));
            }
            if p.y < self.margin - EPSILON || p.y > page_h - self.margin + EPSILON {
                found.push(format!(
                    "page {} : « {} » à {:.1} mm du haut, hors de la page",
                    p.page + 1,
                    p.text,
                    p.y
                ));
            }
            if let Some(c) = p.text.chars().find(|c| !has_glyph(*c, p.bold)) {
                found.push(format!(
                    "« {} » : le caractère U+{:04X} n'a pas de glyphe",
                    p.text, c as u32
                ));
            }
        }
        found
    }

    /// Every piece of text placed, page after page.
    pub fn placed(&self) -> impl Iterator<Item = &Placed> {
        self.pages.iter().flatten().filter_map(|i| match i {
            Item::Text(p) => Some(p),
            _ => None,
        })
    }

    /// Writes the PDF.
    pub fn into_pdf(self, title: &str) -> Vec<u8> {
        let page_h = self.page_height();
        let pt = |mm: f32| Pt(mm / MM_PER_PT);
        let mut doc = PdfDocument::new(title);
        let regular = doc.add_font(&FONTS.regular);
        let bold = doc.add_font(&FONTS.bold);
        let images: Vec<_> = self
            .images
            .iter()
            .map(|img| (doc.add_image(img), img.width, img.height))
            .collect();
        let mut pages = Vec::new();
        for items in &self.pages {
            let mut ops = Vec::new();
            let mut texts = Vec::new();
            for item in items {
                match item {
                    Item::Text(p) => texts.push(p),
                    Item::Line {
                        x1,
                        y1,
                        x2,
                        y2,
                        thickness,
                    } => {
                        ops.push(Op::SetOutlineThickness { pt: Pt(*thickness) });
                        ops.push(Op::SetOutlineColor {
                            col: Color::Greyscale(Greyscale::new(0.0, None)),
                        });
                        ops.push(Op::DrawLine {
                            line: Line {
                                points: vec![
                                    LinePoint {
                                        p: Point {
                                            x: pt(*x1),
                                            y: pt(page_h - y1),
                                        },
                                        bezier: false,
                                    },
                                    LinePoint {
                                        p: Point {
                                            x: pt(*x2),
                                            y: pt(page_h - y2),
                                        },
                                        bezier: false,
                                    },
                                ],
                                is_closed: false,
                            },
                        });
                    }
                    Item::Rect { x, y, w, h, fill } => {
                        let corners = [(*x, *y), (x + w, *y), (x + w, y + h), (*x, y + h)];
                        let ring = PolygonRing {
                            points: corners
                                .iter()
                                .map(|(cx, cy)| LinePoint {
                                    p: Point {
                                        x: pt(*cx),
                                        y: pt(page_h - cy),
                                    },
                                    bezier: false,
                                })
                                .collect(),
                        };
                        let mode = match fill {
                            Some(grey) => {
                                ops.push(Op::SetFillColor {
                                    col: Color::Greyscale(Greyscale::new(*grey, None)),
                                });
                                printpdf::PaintMode::Fill
                            }
                            None => {
                                ops.push(Op::SetOutlineThickness { pt: Pt(0.8) });
                                printpdf::PaintMode::Stroke
                            }
                        };
                        ops.push(Op::DrawPolygon {
                            polygon: Polygon {
                                rings: vec![ring],
                                mode,
                                winding_order: printpdf::WindingOrder::NonZero,
                            },
                        });
                    }
                    Item::Image { x, y, w, h, image } => {
                        let (id, pw, ph) = &images[*image];
                        // At `dpi`, one pixel is 1/dpi inch: choose the dpi that gives width `w`.
                        let dpi = *pw as f32 * 25.4 / w;
                        let _ = ph;
                        ops.push(Op::UseXobject {
                            id: id.clone(),
                            transform: XObjectTransform {
                                translate_x: Some(pt(*x)),
                                translate_y: Some(pt(page_h - y - h)),
                                dpi: Some(dpi),
                                ..Default::default()
                            },
                        });
                    }
                }
            }
            if !texts.is_empty() {
                ops.push(Op::SetFillColor {
                    col: Color::Greyscale(Greyscale::new(0.0, None)),
                });
                ops.push(Op::StartTextSection);
                let mut current: Option<(bool, f32)> = None;
                for p in texts {
                    if current != Some((p.bold, p.size)) {
                        let id = if p.bold { &bold } else { &regular };
                        ops.push(Op::SetFont {
                            font: PdfFontHandle::External(id.clone()),
                            size: Pt(p.size),
                        });
                        current = Some((p.bold, p.size));
                    }
                    ops.push(Op::SetTextMatrix {
                        matrix: TextMatrix::Translate(pt(p.x), pt(page_h - p.y)),
                    });
                    ops.push(Op::ShowText {
                        items: vec![TextItem::Text(p.text.clone())],
                    });
                }
                ops.push(Op::EndTextSection);
            }
            pages.push(PdfPage::new(Mm(self.width), Mm(page_h), ops));
        }
        doc.with_pages(pages).save(&PdfSaveOptions::default(), &mut Vec::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_come_from_the_font() {
        let narrow = text_width("iiii", 10.0, false);
        let wide = text_width("MMMM", 10.0, false);
        assert!(wide > 2.0 * narrow, "{narrow} {wide}");
        assert!(text_width("Total", 10.0, true) > text_width("Total", 10.0, false));
        // Liberation Sans: the em of a 10 pt M is 0.833 em → 2.94 mm.
        assert!((text_width("M", 10.0, false) - 2.94).abs() < 0.05);
    }

    #[test]
    fn wrapping_keeps_every_line_inside_the_box() {
        let text = "Ordinateur portable reconditionné Lenovo ThinkPad T480s avec station d'accueil \
                    SERIAL-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 et chargeur";
        let lines = wrap(text, 10.0, false, 40.0);
        assert!(lines.len() > 3);
        for l in &lines {
            assert!(text_width(l, 10.0, false) <= 40.0, "{l}");
        }
        assert_eq!(lines.join("").replace(' ', ""), text.replace(' ', ""));
    }

    #[test]
    fn french_characters_have_glyphs() {
        for c in "éèêëàâçùûîïôœæÉÈÀÇŒ«»€’–—°  ".chars() {
            assert!(has_glyph(c, false) && has_glyph(c, true), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn a_canvas_reports_text_past_the_margin() {
        let mut canvas = Canvas::a4();
        canvas.paragraph(
            "Un texte long qui se replie sans jamais dépasser la marge de droite. "
                .repeat(20)
                .trim(),
            12.0,
            false,
        );
        assert!(canvas.violations().is_empty(), "{:?}", canvas.violations());
        canvas.text_at(190.0, 50.0, "dépasse", 12.0, false);
        let v = canvas.violations();
        assert_eq!(v.len(), 1);
        assert!(v[0].contains("dépasse"), "{v:?}");
    }

    #[test]
    fn pages_are_added_as_content_grows() {
        let mut canvas = Canvas::a4();
        canvas.set_continuation("suite");
        for i in 0..120 {
            canvas.line(&format!("Ligne {i}"), 11.0, false, Align::Left);
        }
        assert!(canvas.page_count() >= 2);
        assert!(canvas.violations().is_empty(), "{:?}", canvas.violations());
        let mut roll = Canvas::roll_80mm();
        for i in 0..120 {
            roll.line(&format!("Ligne {i}"), 8.0, false, Align::Left);
        }
        assert_eq!(roll.page_count(), 1);
        assert!(roll.violations().is_empty());
    }
}
