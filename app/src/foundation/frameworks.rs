//! The frameworks every plan is organised around: the five New Deal Peacebuilding and
//! Statebuilding Goals (PSGs), the three pillars of the Responsibility to Protect and the 14 risk
//! factors of the UN Framework of Analysis for Atrocity Crimes, with their names and the short
//! tags pages show. No leptos, no sqlx.

/// The five New Deal Peacebuilding and Statebuilding Goals: (number, short name).
pub const PSGS: [(u8, &str); 5] = [
    (1, "Legitimate Politics"),
    (2, "Security"),
    (3, "Justice"),
    (4, "Economic Foundations"),
    (5, "Revenues & Services"),
];

/// The three pillars of the Responsibility to Protect: (number, short name).
pub const PILLARS: [(u8, &str); 3] = [
    (1, "State responsibility"),
    (2, "International assistance"),
    (3, "Timely response"),
];

/// How many UN Framework risk factors there are (1-14).
pub const RISK_FACTOR_COUNT: u8 = 14;

/// The 14 UN Framework of Analysis risk factors: (number, short name).
pub const RISK_FACTORS: [(u8, &str); 14] = [
    (1, "Armed conflict or instability"),
    (2, "Record of serious violations"),
    (3, "Weakness of State structures"),
    (4, "Motives or incentives"),
    (5, "Capacity to commit atrocity crimes"),
    (6, "Absence of mitigating factors"),
    (7, "Enabling circumstances or preparatory action"),
    (8, "Triggering factors"),
    (9, "Intergroup tensions or discrimination"),
    (10, "Signs of an intent to destroy a group"),
    (11, "Signs of a widespread or systematic attack"),
    (12, "Signs of a plan or policy to attack civilians"),
    (13, "Threats to those protected under IHL"),
    (14, "Threats to humanitarian or peacekeeping operations"),
];

/// The short name of risk factor `no`.
pub fn risk_factor_name(no: u8) -> &'static str {
    RISK_FACTORS
        .iter()
        .find(|(n, _)| *n == no)
        .map(|(_, s)| *s)
        .unwrap_or("Unknown risk factor")
}

/// Parses a comma-separated list of framework numbers (`"1,3"`), keeping those in `1..=max`.
pub fn parse_numbers(raw: &str, max: u8) -> Vec<u8> {
    let mut out: Vec<u8> = raw
        .split(',')
        .filter_map(|s| s.trim().parse::<u8>().ok())
        .filter(|n| (1..=max).contains(n))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Short labels for a section's tags, e.g. `["PSG 2", "Pillar 1"]`.
pub fn tag_labels(psgs: &[u8], pillars: &[u8]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for p in psgs {
        if let Some((_, name)) = PSGS.iter().find(|(n, _)| n == p) {
            out.push((format!("PSG {p}"), (*name).to_owned()));
        }
    }
    for p in pillars {
        if let Some((_, name)) = PILLARS.iter().find(|(n, _)| n == p) {
            out.push((format!("Pillar {p}"), (*name).to_owned()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_filtered_sorted_and_unique() {
        assert_eq!(parse_numbers("3, 1,x,3,9", 5), vec![1, 3]);
        assert_eq!(parse_numbers("", 5), Vec::<u8>::new());
    }
}
