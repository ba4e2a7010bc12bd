//! Shared by the end-to-end tests: the kit's per-test databases (SQLite, and PostgreSQL with
//! GONGKAI_TEST_DATABASE_URL, in a schema of its own), and the binary itself ([`Binary`],
//! [`server`]). The binary harness lives here, not in the kit: it needs
//! `CARGO_BIN_EXE_gongkai`, which Cargo sets for this package's tests only.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod server;

use std::process::{Command, Output};

pub use gongkai_testkit::TestDb as Db;
pub use gongkai_testkit::databases;

/// The `gongkai` command run in a test's folder on its database.
pub trait Binary {
    fn command(&self) -> Command;

    /// Runs `gongkai args…` to the end.
    fn run(&self, args: &[&str]) -> Output {
        self.command().args(args).output().unwrap()
    }
}

impl Binary for Db {
    fn command(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_gongkai"));
        c.current_dir(&self.dir)
            .env("DATABASE_URL", self.binary_url())
            .env_remove("GONGKAI_DATABASE__URL")
            .env_remove("GONGKAI_CONFIG")
            .env_remove("GONGKAI_CALENDAR")
            .env_remove("GONGKAI_STATUTES");
        c
    }
}

/// A one-page A4 PDF with `marker` drawn in Helvetica at (72, 700) from the bottom left and
/// written in its document information too; `encrypted` adds an /Encrypt entry.
pub fn pdf_with(marker: &str, encrypted: bool) -> Vec<u8> {
    let content = format!(
        "BT /F1 18 Tf 72 700 Td ({marker}) Tj ET BT /F1 12 Tf 72 600 Td (Public text stays) Tj ET"
    );
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
        format!("<< /Title ({marker}) >>"),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    let encrypt = if encrypted {
        " /Encrypt << /Filter /Standard /V 1 /R 2 >>"
    } else {
        ""
    };
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 6 0 R{encrypt} >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}
