//! Synthetic message text: a vocabulary of domain words and generated
//! pseudo-words whose frequencies follow Zipf's law, as words in real
//! traffic do, so that searches for common and rare words both occur.

use crate::rng::Rng;

const DOMAIN: &[&str] = &[
    "border",
    "crossing",
    "vehicle",
    "courier",
    "shipment",
    "cell",
    "leader",
    "meeting",
    "transfer",
    "account",
    "passport",
    "route",
    "warehouse",
    "training",
    "camp",
    "recruitment",
    "financing",
    "explosives",
    "weapons",
    "precursor",
    "seizure",
    "arrest",
    "suspect",
    "informant",
    "surveillance",
    "report",
    "request",
    "urgent",
    "confirmed",
    "unconfirmed",
    "sighting",
    "network",
    "propaganda",
    "website",
    "channel",
    "payment",
    "cash",
    "truck",
    "train",
    "flight",
    "hotel",
    "apartment",
    "market",
    "mosque",
    "school",
    "checkpoint",
    "village",
    "district",
    "province",
    "capital",
    "harbour",
    "airport",
    "bridge",
    "tunnel",
    "document",
    "forged",
    "identity",
    "phone",
    "number",
    "contact",
    "relative",
    "brother",
    "cousin",
    "associate",
    "group",
    "faction",
    "attack",
    "plot",
    "threat",
    "warning",
    "operation",
    "joint",
    "exercise",
    "liaison",
    "officer",
    "analyst",
    "case",
];
const ONSETS: &[&str] = &[
    "b", "d", "k", "l", "m", "n", "r", "s", "t", "z", "sh", "kh", "ch", "g", "v",
];
const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "ai", "ou"];

/// Words with Zipf weights.
pub struct Vocabulary {
    words: Vec<String>,
    cumulative: Vec<f64>,
}

impl Vocabulary {
    /// `size` words (the domain words first, the most frequent), the same for the same seed.
    pub fn new(size: usize, seed: u64) -> Self {
        let mut rng = Rng::new(seed, 0x7e87);
        let mut words: Vec<String> = DOMAIN.iter().map(|w| (*w).to_owned()).collect();
        let mut seen: std::collections::HashSet<String> = words.iter().cloned().collect();
        while words.len() < size.max(DOMAIN.len()) {
            let syllables = 2 + rng.below(2);
            let w: String = (0..syllables)
                .map(|_| format!("{}{}", rng.pick(ONSETS), rng.pick(VOWELS)))
                .collect();
            if seen.insert(w.clone()) {
                words.push(w);
            }
        }
        let mut total = 0.0;
        let cumulative = (0..words.len())
            .map(|r| {
                total += 1.0 / (r as f64 + 1.0);
                total
            })
            .collect();
        Vocabulary { words, cumulative }
    }

    /// A word drawn by frequency.
    pub fn word(&self, rng: &mut Rng) -> &str {
        let total = self.cumulative.last().copied().unwrap_or(1.0);
        let x = (rng.next() >> 11) as f64 / (1u64 << 53) as f64 * total;
        let i = self.cumulative.partition_point(|c| *c < x).min(self.words.len() - 1);
        &self.words[i]
    }

    /// `n` words drawn by frequency, joined by spaces.
    pub fn words(&self, rng: &mut Rng, n: usize) -> String {
        (0..n).map(|_| self.word(rng)).collect::<Vec<_>>().join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frequent_words_come_first_and_text_repeats_per_seed() {
        let v = Vocabulary::new(2000, 1);
        let mut rng = Rng::new(1, 1);
        let mut counts = std::collections::HashMap::new();
        for _ in 0..20_000 {
            *counts.entry(v.word(&mut rng).to_owned()).or_insert(0) += 1;
        }
        assert!(counts["border"] > counts.get("crossing").copied().unwrap_or(0));
        assert!(counts.len() > 1000, "rare words occur too: {}", counts.len());
        let a = v.words(&mut Rng::new(5, 5), 10);
        assert_eq!(a, v.words(&mut Rng::new(5, 5), 10));
    }
}
