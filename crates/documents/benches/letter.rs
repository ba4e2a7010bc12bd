//! The reply letter's PDF generation time, 1 page and 10 pages (docs/PERFORMANCE.md).
//! Needs a CJK font (fonts-noto-cjk); without one it measures nothing and says so.

use criterion::{Criterion, criterion_group, criterion_main};
use gongkai_documents::{Font, Letter, LetterItem, letter_pdf};

fn letter(paragraphs: usize) -> Letter {
    let paragraph = "本机关于2026年11月2日收到您提出的政府信息公开申请，申请获取 2025 年度城区道路改造\
                     项目的招标文件及合同。经审查，根据《中华人民共和国政府信息公开条例》第三十六条第二项\
                     的规定，现将该信息提供给您。";
    Letter {
        agency: "某市交通运输局".to_owned(),
        title: "政府信息公开申请答复书（予以公开）".to_owned(),
        reference: Some("某交信公开〔2026〕42号".to_owned()),
        body: std::iter::once("张三：")
            .chain(std::iter::repeat_n(paragraph, paragraphs))
            .collect::<Vec<_>>()
            .join("\n"),
        items: vec![LetterItem {
            title: "城区道路改造项目招标文件".to_owned(),
            reference: Some("某交建〔2025〕7号".to_owned()),
            pages: Some(12),
            form: "电子文档".to_owned(),
        }],
        date: "2026年12月6日".to_owned(),
        seal: true,
    }
}

fn bench(c: &mut Criterion) {
    let Some(font) = Font::find_default() else {
        eprintln!("no CJK font: install fonts-noto-cjk");
        return;
    };
    // 3 paragraphs fit one page; 95 make ten (printed when the bench runs).
    for (name, paragraphs) in [("letter_1_page", 3), ("letter_10_pages", 95)] {
        let l = letter(paragraphs);
        // What is measured is what the name says.
        let pages = letter_pdf(&l, &font)
            .map(|pdf| {
                let text = String::from_utf8_lossy(&pdf).into_owned();
                text.split("/Count ")
                    .nth(1)
                    .map(|t| {
                        t.chars()
                            .take_while(char::is_ascii_digit)
                            .collect::<String>()
                    })
                    .unwrap_or_default()
            })
            .unwrap_or_default();
        eprintln!("{name}: {pages} page(s)");
        c.bench_function(name, |b| {
            b.iter(|| letter_pdf(&l, &font).map(|pdf| pdf.len()).unwrap_or(0))
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
