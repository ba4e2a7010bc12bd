//! Near-identical requests (art. 44: information that many ask for should be disclosed
//! proactively; a repeated request is a reply ground of its own).
//!
//! Texts are normalised (full-width forms folded, case folded, everything but letters and digits
//! dropped, so punctuation and spacing do not count) and compared as sets of character bigrams
//! by Jaccard similarity. Grouping finds candidate pairs with MinHash and locality-sensitive
//! hashing (the 16 bands of 3 hashes of [`band_hashes`], as stored for the similar-request
//! hint), checks each candidate pair's real similarity and joins the pairs at or above the
//! threshold into groups (single linkage).

use std::collections::HashMap;

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

/// The hashed character bigrams of a normalised text (a one-character text: that character),
/// sorted, without repeats. Each bigram is hashed from its UTF-8 bytes, encoded into a buffer on
/// the stack (this ran once per comparison and allocated a string per bigram).
pub fn shingle_list(normalised: &str) -> Vec<u64> {
    let mut buf = [0u8; 8];
    let mut chars = normalised.chars();
    let Some(mut prev) = chars.next() else {
        return Vec::new();
    };
    let mut out = Vec::with_capacity(normalised.len() / 3 + 1);
    for c in chars {
        let n = prev.encode_utf8(&mut buf).len();
        let m = c.encode_utf8(&mut buf[n..]).len();
        out.push(fnv(&buf[..n + m], 0));
        prev = c;
    }
    if out.is_empty() {
        // One character: that character.
        let n = prev.encode_utf8(&mut buf).len();
        out.push(fnv(&buf[..n], 0));
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The sorted shingle list of a request text as it is stored ([`shingle_list`] of
/// [`normalise`]d text), to compare one text with many by [`similarity_of`].
pub fn shingles_of(text: &str) -> Vec<u64> {
    shingle_list(&normalise(text))
}

/// Jaccard similarity of two sets of `a` and `b` elements with `inter` in common (0 when both
/// are empty).
fn jaccard_of(inter: usize, a: usize, b: usize) -> f64 {
    let union = a + b - inter;
    if union == 0 {
        0.0
    } else {
        inter as f64 / union as f64
    }
}

/// How similar two texts are, 0 to 1.
pub fn similarity(a: &str, b: &str) -> f64 {
    similarity_of(&shingles_of(a), &shingles_of(b))
}

/// [`similarity`] of two texts' [`shingles_of`].
pub fn similarity_of(a: &[u64], b: &[u64]) -> f64 {
    jaccard_sorted(a, b)
}

/// Bands of the stored signature behind the similar-request hint (see [`band_hashes`]).
pub const HINT_BANDS: usize = 16;
/// MinHash values per band of the stored signature.
pub const HINT_ROWS: usize = 3;

/// splitmix64's finaliser: a bijection of `u64` with full avalanche.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The banded MinHash signature of a request text, as stored for the similar-request hint:
/// one `i64` per band, the same on every run and machine (fixed seeds).
///
/// The signature has `HINT_BANDS × HINT_ROWS` = 16 × 3 MinHash values over the text's shingles
/// (`shingles_of(text)`), and each band of 3 is hashed to one number. Two texts whose
/// shingle sets have Jaccard similarity `J` agree on one MinHash value with probability `J`, on
/// a whole band with `J^r`, and so share at least one of `b` bands with probability
/// `1 - (1 - J^r)^b`. With `b = 16`, `r = 3`:
///
/// | J    | 0.1  | 0.2  | 0.3  | 0.4  | 0.5  | 0.6 (`SAME_REQUEST`) | 0.7    | 0.8     |
/// |------|------|------|------|------|------|----------------------|--------|---------|
/// | P    | 0.02 | 0.12 | 0.36 | 0.65 | 0.88 | 0.98                 | 0.9988 | 0.99999 |
///
/// so a request at the threshold is missed about once in fifty and a typical rewording
/// (`J` ≥ 0.7) almost never, while unrelated requests (`J` ≤ 0.2) rarely become candidates;
/// the real similarity then decides. Fewer hashes cost recall at the threshold (8 bands of 4
/// rows: 0.67 at `J` = 0.6; 16 of 4: 0.89), more cost a stored row per band and case.
///
/// A text without letters or digits has the signature of the empty set (every band the same
/// constant): it shares bands only with other such texts, and is similar to none of them.
pub fn band_hashes(text: &str) -> [i64; HINT_BANDS] {
    bands_of(&shingles_of(text))
}

/// [`band_hashes`] of a text's shingles ([`shingles_of`]).
pub fn bands_of<'a>(shingles: impl IntoIterator<Item = &'a u64>) -> [i64; HINT_BANDS] {
    // A different bijection per position: the shingle's hash xor a fixed seed.
    let mut seeds = [0u64; HINT_BANDS * HINT_ROWS];
    for (i, seed) in seeds.iter_mut().enumerate() {
        *seed = mix(0x6761_6e67_6b61_6900 + i as u64);
    }
    let mut sig = [u64::MAX; HINT_BANDS * HINT_ROWS];
    for &x in shingles {
        for (s, seed) in sig.iter_mut().zip(seeds) {
            let h = mix(x ^ seed);
            if h < *s {
                *s = h;
            }
        }
    }
    let mut bands = [0i64; HINT_BANDS];
    for (band, out) in bands.iter_mut().enumerate() {
        let mut h = mix(band as u64 + 1);
        for v in &sig[band * HINT_ROWS..(band + 1) * HINT_ROWS] {
            h = mix(h ^ *v);
        }
        *out = h as i64;
    }
    bands
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// Jaccard similarity of two sorted, deduplicated shingle lists (0 when both are empty).
fn jaccard_sorted(a: &[u64], b: &[u64]) -> f64 {
    let (mut i, mut j, mut inter) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                inter += 1;
                i += 1;
                j += 1;
            }
        }
    }
    jaccard_of(inter, a.len(), b.len())
}

/// How many of a band's bucket's first members every later text is compared with, and how
/// many more members of groups not yet met in the bucket (see [`group`]).
const BUCKET_PEERS: usize = 32;

/// Groups the texts (by index) whose similarity reaches `threshold`, directly or through
/// others; returns the groups of two or more, largest first, members in input order.
///
/// Candidates are the texts that share a band of [`band_hashes`]' signature (the one stored
/// for the similar-request hint). Within a band's bucket each text is compared with the
/// bucket's "peers" that are not yet in its group, and joined to each it is similar enough to.
/// The peers are the bucket's first [`BUCKET_PEERS`] members, and up to `BUCKET_PEERS` more:
/// each later member that joined none of the peers' groups. A bucket of up to
/// `BUCKET_PEERS + 1` texts is thus checked pair by pair; in a larger one (thousands of the
/// same request, a campaign) each text costs at most `2 × BUCKET_PEERS` comparisons instead of
/// one per member, so the work stays linear in the number of texts (comparing every pair of a
/// bucket, as this did before, took their square), and the campaign, taking the first places,
/// does not keep the other requests of its buckets from meeting each other there.
pub fn group(texts: &[&str], threshold: f64) -> Vec<Vec<usize>> {
    let sets: Vec<Vec<u64>> = texts.iter().map(|t| shingles_of(t)).collect();
    let mut parent: Vec<usize> = (0..texts.len()).collect();
    // (band, hash, text), sorted: each run of equal (band, hash) is a bucket.
    let mut keyed: Vec<(usize, i64, usize)> = Vec::with_capacity(texts.len() * HINT_BANDS);
    for (i, set) in sets.iter().enumerate() {
        if set.is_empty() {
            continue;
        }
        keyed.extend(
            bands_of(set)
                .into_iter()
                .enumerate()
                .map(|(band, hash)| (band, hash, i)),
        );
    }
    keyed.sort_unstable();
    let mut peers: Vec<usize> = Vec::with_capacity(2 * BUCKET_PEERS);
    for bucket in keyed.chunk_by(|x, y| x.0 == y.0 && x.1 == y.1) {
        peers.clear();
        for &(_, _, a) in bucket {
            let mut root = find(&mut parent, a);
            // Whether `a` is (now) in the group of one of the peers.
            let mut met = false;
            for &p in &peers {
                let other = find(&mut parent, p);
                if other == root {
                    met = true;
                } else if jaccard_sorted(&sets[a], &sets[p]) >= threshold {
                    let joined = root.min(other);
                    parent[root.max(other)] = joined;
                    root = joined;
                    met = true;
                }
            }
            if peers.len() < BUCKET_PEERS || (!met && peers.len() < 2 * BUCKET_PEERS) {
                peers.push(a);
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
        let mut planted: Vec<Vec<usize>> = Vec::new();
        for family in FAMILIES {
            let mut idx = Vec::new();
            for t in family.iter() {
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

    /// A campaign of identical requests is one group, found with work linear in its size, and
    /// the requests around it (family 1 shares most of its bands' buckets with the campaign)
    /// are grouped as without it.
    #[test]
    fn a_campaign_of_identical_requests_is_one_group() {
        let campaign = "请公开2025年朝阳区望京街道老旧小区改造项目的全部资金拨付凭证";
        let mut texts: Vec<&str> = vec![campaign; 20_000];
        let mut planted: Vec<Vec<usize>> = Vec::new();
        for family in FAMILIES {
            planted.push((texts.len()..texts.len() + family.len()).collect());
            texts.extend(family.iter().copied());
        }
        texts.push("某街道拆迁补偿方案");
        let groups = group(&texts, SAME_REQUEST);
        assert_eq!(groups[0], (0..20_000).collect::<Vec<_>>());
        assert_eq!(&groups[1..], &planted[..]);
    }

    /// The band hashes are stored: a change to them leaves every stored case without its
    /// near-duplicates until the bands are rewritten, so they are pinned here.
    #[test]
    fn band_hashes_are_fixed_and_ignore_punctuation() {
        let a = band_hashes("请公开2024年某区财政预算。");
        assert_eq!(a, band_hashes("请公开 2024 年某区财政预算"));
        assert_eq!(a, band_hashes("请公开２０２４年某区财政预算！"));
        assert_eq!(a[0], PINNED_BAND_0);
        let b = band_hashes("某街道拆迁补偿方案");
        assert_eq!(a.iter().filter(|h| b.contains(h)).count(), 0);
        // Texts without letters or digits all get the empty set's signature.
        assert_eq!(band_hashes("，。"), band_hashes(""));
        assert_ne!(band_hashes(""), band_hashes("某"));
    }

    /// Requests reworded slightly: each family is one request.
    const FAMILIES: &[&[&str]] = &[
        &[
            "请公开2024年朝阳区望京街道老旧小区改造项目的招标文件和中标结果",
            "申请公开：2024年朝阳区望京街道老旧小区改造项目招标文件及中标结果。",
            "请公开2024年朝阳区望京街道老旧小区改造项目的招标文件、中标结果",
            "望京街道老旧小区改造项目（2024年，朝阳区）的招标文件和中标结果，请公开",
        ],
        &[
            "申请公开海淀区2025年度部门预算中的三公经费明细",
            "请提供海淀区2025年度部门预算中的“三公”经费明细",
            "海淀区2025年度部门预算中的三公经费明细。",
        ],
        &[
            "请公开京津塘高速公路北京段扩建工程的环境影响评价报告全文",
            "申请公开京津塘高速公路北京段扩建工程环境影响评价报告全文",
        ],
    ];

    const PINNED_BAND_0: i64 = 7_373_020_594_959_911_219;

    fn shared(a: &[i64; HINT_BANDS], b: &[i64; HINT_BANDS]) -> usize {
        (0..HINT_BANDS).filter(|&i| a[i] == b[i]).count()
    }

    /// Near-duplicates (the grouping test's families and rewordings of generated requests)
    /// share a band; requests that have little in common rarely do.
    #[test]
    fn near_duplicates_share_a_band_and_unrelated_requests_rarely_do() {
        for family in FAMILIES {
            for (i, a) in family.iter().enumerate() {
                for b in &family[i + 1..] {
                    if similarity(a, b) >= SAME_REQUEST {
                        assert!(
                            shared(&band_hashes(a), &band_hashes(b)) > 0,
                            "{a} / {b}: {}",
                            similarity(a, b)
                        );
                    }
                }
            }
        }

        let subjects = [
            "街道", "财政", "预算", "拆迁", "补偿", "规划", "环评", "审批", "土地", "征收", "教育",
            "医疗", "交通", "水务", "住房", "保障", "农业", "补贴", "执法", "处罚", "河道", "绿化",
            "养老", "社保", "消防", "物业", "停车", "供暖", "燃气", "电梯",
        ];
        let mut seed = 11u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut pick = |n: usize| -> String {
            (0..n)
                .map(|_| subjects[(next() % subjects.len() as u64) as usize])
                .collect()
        };
        // Requests and rewordings of them: a word dropped, a prefix, punctuation.
        let mut pairs = 0;
        let mut found = 0;
        for i in 0..300 {
            let (w1, w2, w3, w4) = (pick(2), pick(2), pick(2), pick(2));
            let text = format!("申请公开{w1}关于{w2}的{w3}和{w4}第{i}号文件");
            let variants = [
                format!("请公开：{w1}关于{w2}的{w3}和{w4}，第{i}号文件。"),
                format!("{w1}关于{w2}的{w3}及{w4}第{i}号文件"),
                format!("申请公开{w1}关于{w2}{w3}和{w4}的第{i}号文件全文"),
            ];
            for v in &variants {
                if similarity(&text, v) >= SAME_REQUEST {
                    pairs += 1;
                    if shared(&band_hashes(&text), &band_hashes(v)) > 0 {
                        found += 1;
                    }
                }
            }
        }
        // At least 0.98 per pair at the threshold, more above it.
        assert!(pairs >= 600, "{pairs}");
        assert!(found * 100 >= pairs * 98, "{found} of {pairs}");

        // Unrelated requests: random words, no shared frame.
        let texts: Vec<String> = (0..300).map(|_| pick(8)).collect();
        let sigs: Vec<[i64; HINT_BANDS]> = texts.iter().map(|t| band_hashes(t)).collect();
        let (mut low, mut low_shared) = (0usize, 0usize);
        for i in 0..texts.len() {
            for j in i + 1..texts.len() {
                if similarity(&texts[i], &texts[j]) < 0.2 {
                    low += 1;
                    if shared(&sigs[i], &sigs[j]) > 0 {
                        low_shared += 1;
                    }
                }
            }
        }
        // Below 0.12 per pair at J = 0.2, far less for most of them.
        assert!(low > 10_000, "{low}");
        assert!(low_shared * 100 <= low * 5, "{low_shared} of {low}");
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
