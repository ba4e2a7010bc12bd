//! Near-identical requests (art. 44: information that many ask for should be disclosed
//! proactively; a repeated request is a reply ground of its own).
//!
//! Texts are normalised (full-width forms folded, case folded, everything but letters and digits
//! dropped, so punctuation and spacing do not count) and compared as sets of character bigrams
//! by Jaccard similarity. Grouping finds candidate pairs with MinHash and locality-sensitive
//! hashing (16 bands of 4 hashes), checks each candidate pair's real similarity and joins the
//! pairs at or above the threshold into groups (single linkage).

use std::collections::{BTreeSet, HashMap};

/// Two requests this similar (Jaccard over character bigrams) are the same request.
pub const SAME_REQUEST: f64 = 0.6;

/// Folds full-width ASCII to half-width and case, and keeps letters and digits only.
pub fn normalise(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// FNV-1a: a fixed hash, so that groups do not change between runs.
fn fnv(bytes: &[u8], seed: u64) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The hashed character bigrams of a normalised text (a one-character text: that character).
pub fn shingles(normalised: &str) -> BTreeSet<u64> {
    let chars: Vec<char> = normalised.chars().collect();
    if chars.len() < 2 {
        return chars
            .iter()
            .map(|c| fnv(c.to_string().as_bytes(), 0))
            .collect();
    }
    chars
        .windows(2)
        .map(|w| fnv(w.iter().collect::<String>().as_bytes(), 0))
        .collect()
}

/// Jaccard similarity of two shingle sets (0 when both are empty).
pub fn jaccard(a: &BTreeSet<u64>, b: &BTreeSet<u64>) -> f64 {
    let inter = a.intersection(b).count();
    let union = a.len() + b.len() - inter;
    if union == 0 {
        0.0
    } else {
        inter as f64 / union as f64
    }
}

/// How similar two texts are, 0 to 1.
pub fn similarity(a: &str, b: &str) -> f64 {
    jaccard(&shingles(&normalise(a)), &shingles(&normalise(b)))
}

const BANDS: usize = 16;
const ROWS: usize = 4;

fn minhash(set: &BTreeSet<u64>) -> [u64; BANDS * ROWS] {
    let mut sig = [u64::MAX; BANDS * ROWS];
    for x in set {
        for (i, s) in sig.iter_mut().enumerate() {
            let h = fnv(&x.to_le_bytes(), i as u64 + 1);
            if h < *s {
                *s = h;
            }
        }
    }
    sig
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// Groups the texts (by index) whose similarity reaches `threshold`, directly or through
/// others; returns the groups of two or more, largest first, members in input order.
pub fn group(texts: &[&str], threshold: f64) -> Vec<Vec<usize>> {
    let sets: Vec<BTreeSet<u64>> = texts.iter().map(|t| shingles(&normalise(t))).collect();
    let mut parent: Vec<usize> = (0..texts.len()).collect();
    let mut buckets: HashMap<(usize, u64), Vec<usize>> = HashMap::new();
    for (i, set) in sets.iter().enumerate() {
        if set.is_empty() {
            continue;
        }
        let sig = minhash(set);
        for band in 0..BANDS {
            let key = fnv(
                &sig[band * ROWS..(band + 1) * ROWS]
                    .iter()
                    .flat_map(|x| x.to_le_bytes())
                    .collect::<Vec<u8>>(),
                band as u64,
            );
            buckets.entry((band, key)).or_default().push(i);
        }
    }
    let mut checked: std::collections::HashSet<(usize, usize)> = std::collections::HashSet::new();
    for members in buckets.values() {
        if members.len() < 2 {
            continue;
        }
        for (k, &a) in members.iter().enumerate() {
            for &b in &members[k + 1..] {
                if find(&mut parent, a) == find(&mut parent, b) || !checked.insert((a, b)) {
                    continue;
                }
                if jaccard(&sets[a], &sets[b]) >= threshold {
                    let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
                    parent[ra.max(rb)] = ra.min(rb);
                }
            }
        }
    }
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..texts.len() {
        let r = find(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    let mut out: Vec<Vec<usize>> = groups.into_values().filter(|g| g.len() > 1).collect();
    out.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
    out
}

/// Up to `n` runs of `len` letters or digits spread over `text` (as written, punctuation
/// excluded, runs mostly of digits skipped: years and numbers are everywhere): search terms that
/// near-identical requests are likely to share. Shorter runs when the text has no long one.
pub fn probes(text: &str, n: usize, len: usize) -> Vec<String> {
    let runs: Vec<Vec<char>> = text
        .split(|c: char| !c.is_alphanumeric())
        .map(|r| r.chars().collect())
        .collect();
    let mut len = len.max(3);
    loop {
        let mut chunks = Vec::new();
        for run in &runs {
            let mut i = 0;
            while i + len <= run.len() {
                let chunk = &run[i..i + len];
                let digits = chunk.iter().filter(|c| c.is_ascii_digit()).count();
                if digits * 2 < chunk.len() {
                    chunks.push(chunk.iter().collect::<String>());
                }
                i += len;
            }
        }
        if chunks.is_empty() && len > 3 {
            len -= 1;
            continue;
        }
        if chunks.len() <= n {
            return chunks;
        }
        let step = chunks.len() as f64 / n as f64;
        return (0..n)
            .map(|k| chunks[(k as f64 * step) as usize].clone())
            .collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn punctuation_width_and_case_do_not_count() {
        assert_eq!(
            normalise("申请公开：２０２４年　ＡＢＣ预算！"),
            "申请公开2024年abc预算"
        );
        assert!(
            (similarity("请公开2024年某区财政预算。", "请公开 2024 年某区财政预算") - 1.0).abs()
                < 1e-9
        );
        assert!(
            similarity("申请公开2024年某区财政预算", "请公开2024年某区的财政预算") >= SAME_REQUEST
        );
        assert!(similarity("某街道拆迁补偿方案", "某区2023年财政决算报告") < 0.2);
        let p = probes("关于某区，2024年度财政预算执行情况的公开", 3, 5);
        assert_eq!(p, ["度财政预算", "执行情况的"]);
        assert_eq!(
            probes("请公开望京街道老旧小区改造项目的招标文件", 3, 5).len(),
            3
        );
        assert_eq!(probes("某区预算", 3, 5), ["某区预算"]);
        assert!(probes("2024，12", 3, 5).is_empty());
    }

    /// Planted near-duplicates among random requests are found, and nothing else is merged.
    #[test]
    fn grouping_finds_planted_near_duplicates_only() {
        let subjects = [
            "街道", "财政", "预算", "拆迁", "补偿", "规划", "环评", "审批", "土地", "征收", "教育",
            "医疗", "交通", "水务", "住房", "保障", "农业", "补贴", "执法", "处罚",
        ];
        // 200 distinct requests made of random subject words and numbers.
        let mut seed = 7u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut texts: Vec<String> = (0..200)
            .map(|i| {
                let words: String = (0..6)
                    .map(|_| subjects[(next() % subjects.len() as u64) as usize])
                    .collect();
                format!("申请公开{}年第{i}号{words}文件", 2000 + next() % 30)
            })
            .collect();
        // Three planted families: the same request reworded slightly.
        let families = [
            vec![
                "请公开2024年朝阳区望京街道老旧小区改造项目的招标文件和中标结果",
                "申请公开：2024年朝阳区望京街道老旧小区改造项目招标文件及中标结果。",
                "请公开2024年朝阳区望京街道老旧小区改造项目的招标文件、中标结果",
                "望京街道老旧小区改造项目（2024年，朝阳区）的招标文件和中标结果，请公开",
            ],
            vec![
                "申请公开海淀区2025年度部门预算中的三公经费明细",
                "请提供海淀区2025年度部门预算中的“三公”经费明细",
                "海淀区2025年度部门预算中的三公经费明细。",
            ],
            vec![
                "请公开京津塘高速公路北京段扩建工程的环境影响评价报告全文",
                "申请公开京津塘高速公路北京段扩建工程环境影响评价报告全文",
            ],
        ];
        let mut planted: Vec<Vec<usize>> = Vec::new();
        for family in &families {
            let mut idx = Vec::new();
            for t in family {
                idx.push(texts.len());
                texts.push((*t).to_owned());
            }
            planted.push(idx);
        }
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let groups = group(&refs, SAME_REQUEST);
        for p in &planted {
            assert!(
                groups.iter().any(|g| g == p),
                "planted family {p:?} not found as a group: {groups:?}"
            );
        }
        // Nothing but the planted families: random requests stay apart.
        assert_eq!(groups.len(), planted.len(), "{groups:?}");
    }

    proptest! {
        /// Similarity is symmetric, within [0, 1], and 1 for a text and its re-punctuated copy.
        #[test]
        fn similarity_is_symmetric_and_bounded(a in "[一-龥a-z0-9，。 ]{1,40}", b in "[一-龥a-z0-9，。 ]{1,40}") {
            let s = similarity(&a, &b);
            prop_assert!((0.0..=1.0).contains(&s));
            prop_assert!((s - similarity(&b, &a)).abs() < 1e-12);
            if !normalise(&a).is_empty() {
                let spaced: String = a.chars().flat_map(|c| [c, '，']).collect();
                prop_assert!((similarity(&a, &spaced) - 1.0).abs() < 1e-12);
            }
        }
    }
}
