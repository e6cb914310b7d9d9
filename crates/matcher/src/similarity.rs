//! Jaro-Winkler and Levenshtein on the short ASCII forms the matcher
//! compares, without allocating: they run millions of times per second in a
//! batch. Longer or non-ASCII text goes to `strsim`, which these agree with.

const MAX: usize = 64;

/// Jaro-Winkler similarity, as `strsim::jaro_winkler` computes it.
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    if x.len() > MAX || y.len() > MAX || !a.is_ascii() || !b.is_ascii() {
        return strsim::jaro_winkler(a, b);
    }
    let j = jaro(x, y);
    if j > 0.7 {
        let prefix = x.iter().zip(y).take(4).take_while(|(p, q)| p == q).count();
        j + 0.1 * prefix as f64 * (1.0 - j)
    } else {
        j
    }
}

fn jaro(a: &[u8], b: &[u8]) -> f64 {
    if a == b {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let range = (a.len().max(b.len()) / 2).saturating_sub(1);
    let (mut a_flags, mut b_flags) = (0u64, 0u64);
    let mut matches = 0usize;
    for (i, ca) in a.iter().enumerate() {
        let lo = i.saturating_sub(range);
        let hi = (i + range + 1).min(b.len());
        for (j, cb) in b.iter().enumerate().take(hi).skip(lo) {
            if b_flags & (1 << j) == 0 && cb == ca {
                a_flags |= 1 << i;
                b_flags |= 1 << j;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut j = 0usize;
    for (i, ca) in a.iter().enumerate() {
        if a_flags & (1 << i) == 0 {
            continue;
        }
        while b_flags & (1 << j) == 0 {
            j += 1;
        }
        if b[j] != *ca {
            transpositions += 1;
        }
        j += 1;
    }
    let m = matches as f64;
    (m / a.len() as f64 + m / b.len() as f64 + (matches - transpositions / 2) as f64 / m) / 3.0
}

/// Levenshtein distance, as `strsim::levenshtein` computes it.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    if x.len() > MAX || y.len() > MAX || !a.is_ascii() || !b.is_ascii() {
        return strsim::levenshtein(a, b);
    }
    let mut row = [0usize; MAX + 1];
    for (j, cell) in row.iter_mut().enumerate().take(y.len() + 1) {
        *cell = j;
    }
    for (i, ca) in x.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in y.iter().enumerate() {
            let above = row[j + 1];
            let cost = usize::from(ca != cb);
            row[j + 1] = (diagonal + cost).min(above + 1).min(row[j] + 1);
            diagonal = above;
        }
    }
    row[y.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn agrees_with_strsim(a in "[a-z]{0,20}", b in "[a-z]{0,20}") {
            prop_assert!((jaro_winkler(&a, &b) - strsim::jaro_winkler(&a, &b)).abs() < 1e-12);
            prop_assert_eq!(levenshtein(&a, &b), strsim::levenshtein(&a, &b));
        }

        #[test]
        fn agrees_on_near_copies(a in "[a-e]{1,12}", i in 0usize..12, c in "[a-e]") {
            let mut b = a.clone();
            let at = i.min(b.len());
            b.insert_str(at, &c);
            prop_assert!((jaro_winkler(&a, &b) - strsim::jaro_winkler(&a, &b)).abs() < 1e-12);
            prop_assert_eq!(levenshtein(&a, &b), strsim::levenshtein(&a, &b));
        }
    }

    #[test]
    fn long_and_non_ascii_text_falls_back() {
        let long = "a".repeat(100);
        assert_eq!(levenshtein(&long, "a"), 99);
        assert!((jaro_winkler("ёлка", "елка") - strsim::jaro_winkler("ёлка", "елка")).abs() < 1e-12);
    }
}
