//! Text normalisation shared by the label index and every query: tokens keep their byte span in
//! the original text (so evidence can quote it) and carry a stemmed key for matching.

/// One word of an input text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Byte offset of the first character in the original text.
    pub start: usize,
    /// Byte offset one past the last character.
    pub end: usize,
    /// Lower-cased surface form (spelling variants folded), used for typo correction.
    pub surface: String,
    /// Matching key: the stem of `surface`.
    pub key: String,
    /// A function word that carries no skill meaning on its own.
    pub stop: bool,
}

// Small on purpose: words such as "use", "work" or "data" are meaningful parts of skill labels.
const STOPWORDS: &[&str] = &[
    "a", "about", "above", "across", "after", "all", "also", "an", "and", "any", "are", "as", "at",
    "be", "been", "being", "both", "but", "by", "can", "could", "do", "does", "each", "eg",
    "either", "etc", "for", "from", "had", "has", "have", "he", "her", "his", "how", "i", "ie",
    "if", "in", "into", "is", "it", "its", "may", "me", "more", "most", "must", "my", "no", "nor",
    "not", "of", "on", "one", "or", "other", "our", "out", "over", "own", "per", "same", "shall",
    "she", "should", "so", "some", "such", "than", "that", "the", "their", "them", "then", "there",
    "these", "they", "this", "those", "through", "to", "too", "under", "up", "us", "very", "via",
    "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will",
    "with", "within", "without", "would", "you", "your",
];

/// True for words that are dropped from matching.
pub fn is_stopword(word: &str) -> bool {
    STOPWORDS.binary_search(&word).is_ok()
}

/// Folds US spellings to the British ones ESCO uses ("analyze" -> "analyse",
/// "organization" -> "organisation") so both reach the same stem.
fn fold_spelling(word: &str) -> String {
    const ENDINGS: &[(&str, &str)] = &[
        ("yzing", "ysing"),
        ("yzed", "ysed"),
        ("yzes", "yses"),
        ("yze", "yse"),
        ("ization", "isation"),
        ("izations", "isations"),
        ("izing", "ising"),
        ("ized", "ised"),
        ("izes", "ises"),
        ("izer", "iser"),
        ("izers", "isers"),
        ("ize", "ise"),
    ];
    if word.len() > 5 {
        for (us, uk) in ENDINGS {
            if let Some(stem) = word.strip_suffix(us) {
                return format!("{stem}{uk}");
            }
        }
    }
    word.to_owned()
}

/// The matching key of one lower-cased word: a conservative stem that folds inflection
/// (plurals, -ing, -ed) and a few derivations that name the same skill ("management" ~
/// "manage", "analysis" ~ "analyse", "organisation" ~ "organise"). Deliberately lighter than
/// Porter/Snowball, which conflate "experience" with "experiment" and "organisation" with "organ".
pub fn key_of(surface: &str) -> String {
    if surface.len() <= 3 || !surface.chars().all(|c| c.is_ascii_alphabetic()) {
        return surface.to_owned();
    }
    let mut word = surface.to_owned();
    // Plurals and third-person -s.
    if let Some(base) = word.strip_suffix("ies").filter(|b| b.len() >= 3) {
        word = format!("{base}y");
    } else if ["sses", "shes", "ches", "xes", "zes"]
        .iter()
        .any(|s| word.ends_with(s))
    {
        word.truncate(word.len() - 2);
    } else if word.ends_with('s') && !["ss", "us", "is"].iter().any(|s| word.ends_with(s)) {
        word.pop();
    }
    // Derivations that keep the meaning of the verb.
    if let Some(base) = word.strip_suffix("ysis") {
        word = format!("{base}yse");
    } else if let Some(base) = word.strip_suffix("isation") {
        word = format!("{base}ise");
    } else if let Some(base) = word.strip_suffix("ation").filter(|b| b.len() >= 4) {
        word = format!("{base}ate");
    } else if let Some(base) = word
        .strip_suffix("ment")
        .filter(|b| b.len() >= 5 && !b.ends_with(['a', 'i', 'o', 'u']))
    {
        word = base.to_owned();
    }
    // Inflection: -ing, -ed; then undo the doubled consonant ("planning" -> "plan").
    let mut stripped = false;
    for suffix in ["ing", "ed"] {
        if let Some(base) = word.strip_suffix(suffix)
            && base.len() >= 4
            && base.chars().any(|c| "aeiouy".contains(c))
        {
            word = base.to_owned();
            stripped = true;
            break;
        }
    }
    if stripped {
        let bytes = word.as_bytes();
        let n = bytes.len();
        if n >= 2 && bytes[n - 1] == bytes[n - 2] && !b"aeiouylsz".contains(&bytes[n - 1]) {
            word.pop();
        }
    }
    if word.len() > 3 && word.ends_with('e') {
        word.pop();
    }
    word
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Splits `text` into tokens. Letters and digits form words; a trailing `+` or `#` stays on the
/// word (C++, C#); everything else separates.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if !is_word_char(c) {
            continue;
        }
        let mut end = start + c.len_utf8();
        while let Some(&(i, next)) = chars.peek() {
            if is_word_char(next) {
                end = i + next.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        while let Some(&(i, next)) = chars.peek() {
            if next == '+' || next == '#' {
                end = i + next.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        let raw = &text[start..end];
        let lower = fold_spelling(&raw.to_lowercase());
        let stop = is_stopword(&lower);
        let key = key_of(&lower);
        tokens.push(Token {
            start,
            end,
            surface: lower,
            key,
            stop,
        });
    }
    tokens
}

/// The matching keys of the content words of `text`, in order.
pub fn content_keys(text: &str) -> Vec<String> {
    tokenize(text)
        .into_iter()
        .filter(|t| !t.stop)
        .map(|t| t.key)
        .collect()
}

/// Normalised form for exact label comparison: content keys joined by spaces.
pub fn normalise_label(text: &str) -> String {
    content_keys(text).join(" ")
}

/// Optimal-string-alignment distance, giving up (returning `limit + 1`) as soon as it exceeds `limit`.
pub fn edit_distance_within(a: &str, b: &str, limit: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return limit + 1;
    }
    let width = b.len() + 1;
    let mut prev2 = vec![0usize; width];
    let mut prev: Vec<usize> = (0..width).collect();
    let mut current = vec![0usize; width];
    for i in 1..=a.len() {
        current[0] = i;
        let mut row_min = current[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut value = (prev[j] + 1)
                .min(current[j - 1] + 1)
                .min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                value = value.min(prev2[j - 2] + 1);
            }
            current[j] = value;
            row_min = row_min.min(value);
        }
        if row_min > limit {
            return limit + 1;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut current);
    }
    prev[b.len()].min(limit + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stopwords_are_sorted_for_binary_search() {
        assert!(STOPWORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn tokens_keep_spans_and_fold_variants() {
        let text = "Analyze data; C++ and C# (organization)";
        let tokens = tokenize(text);
        let surfaces: Vec<&str> = tokens.iter().map(|t| &text[t.start..t.end]).collect();
        assert_eq!(
            surfaces,
            ["Analyze", "data", "C++", "and", "C#", "organization"]
        );
        assert_eq!(key_of("analyse"), tokens[0].key);
        assert_eq!(key_of("analysis"), key_of("analyses"));
        for (a, b) in [
            ("management", "manage"),
            ("managing", "manages"),
            ("planning", "plan"),
            ("programming", "program"),
            ("technologies", "technology"),
            ("organisation", "organised"),
            ("processes", "process"),
            ("communication", "communicate"),
        ] {
            assert_eq!(key_of(a), key_of(b), "{a} ~ {b}");
        }
        for (a, b) in [
            ("experience", "experiment"),
            ("organisation", "organ"),
            ("business", "busy"),
        ] {
            assert_ne!(key_of(a), key_of(b), "{a} !~ {b}");
        }
        assert_eq!(tokens[5].key, key_of("organisation"));
        assert!(tokens[3].stop);
    }

    #[test]
    fn edit_distance_counts_transpositions_once() {
        for (a, b, expected) in [
            ("python", "pyhton", 1),
            ("python", "python", 0),
            ("teamwork", "teamwrk", 1),
            ("java", "javascript", 3),
        ] {
            assert_eq!(edit_distance_within(a, b, 2), expected, "{a} vs {b}");
        }
    }
}
