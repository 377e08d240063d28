//! Plans: their fields, the frameworks they are organised around, and the coverage matrix.

use serde::{Deserialize, Serialize};

/// The g7+ fragility spectrum, from 1 (crisis) to 5 (resilience).
pub const FRAGILITY_STAGES: [(u8, &str); 5] = [
    (1, "Crisis"),
    (2, "Rebuild and Reform"),
    (3, "Transition"),
    (4, "Transformation"),
    (5, "Resilience"),
];

/// A plan's title: 3 to 200 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanTitle(String);

impl PlanTitle {
    /// Parses a submitted title.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let t = raw.trim();
        match t.chars().count() {
            0 => Err("Give the plan a title."),
            1..=2 => Err("Titles need at least 3 characters."),
            n if n > 200 => Err("Titles can be at most 200 characters."),
            _ => {
                crate::foundation::text::check_line(t)?;
                Ok(PlanTitle(t.to_owned()))
            }
        }
    }

    /// The title as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A plan's short summary: up to 2,000 characters, may be empty.
pub fn parse_summary(raw: &str) -> Result<String, &'static str> {
    let s = raw.trim().replace("\r\n", "\n");
    if s.chars().count() > 2000 {
        Err("Keep the summary under 2,000 characters; the sections hold the detail.")
    } else {
        Ok(s)
    }
}

/// The years a plan covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    /// First year.
    pub start: i64,
    /// Last year (at least `start`).
    pub end: i64,
}

impl Period {
    /// Parses two submitted years; errors name the field they belong to.
    pub fn parse(start: &str, end: &str) -> Result<Self, (&'static str, &'static str)> {
        let year = |raw: &str, field| -> Result<i64, (&'static str, &'static str)> {
            let y: i64 = raw
                .trim()
                .parse()
                .map_err(|_| (field, "Enter a year such as 2026."))?;
            if (2000..=2100).contains(&y) {
                Ok(y)
            } else {
                Err((field, "Enter a year between 2000 and 2100."))
            }
        };
        let (start, end) = (year(start, "period_start")?, year(end, "period_end")?);
        if end < start {
            return Err(("period_end", "The plan cannot end before it starts."));
        }
        if end - start > 25 {
            return Err(("period_end", "A plan can cover at most 25 years."));
        }
        Ok(Period { start, end })
    }
}

/// A stage on the g7+ fragility spectrum (1-5).
pub fn parse_stage(raw: &str) -> Result<u8, &'static str> {
    raw.trim()
        .parse::<u8>()
        .ok()
        .filter(|n| (1..=5).contains(n))
        .ok_or("Choose a stage on the fragility spectrum.")
}

/// The name of fragility stage `no`.
pub fn stage_name(no: i64) -> &'static str {
    FRAGILITY_STAGES
        .iter()
        .find(|(n, _)| i64::from(*n) == no)
        .map(|(_, s)| *s)
        .unwrap_or("Unknown")
}

/// Where a plan is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PlanStatus {
    /// Being written.
    Draft,
    /// Sections are being reviewed.
    InReview,
    /// Signed off.
    Approved,
    /// No longer current.
    Archived,
}

impl PlanStatus {
    /// Every status, in life order.
    pub const ALL: [PlanStatus; 4] = [
        PlanStatus::Draft,
        PlanStatus::InReview,
        PlanStatus::Approved,
        PlanStatus::Archived,
    ];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            PlanStatus::Draft => "draft",
            PlanStatus::InReview => "in_review",
            PlanStatus::Approved => "approved",
            PlanStatus::Archived => "archived",
        }
    }

    /// Parses the stored or submitted form.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        PlanStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == raw.trim())
            .ok_or("Choose a status from the list.")
    }

    /// How the status is shown.
    pub fn label(self) -> &'static str {
        match self {
            PlanStatus::Draft => "Draft",
            PlanStatus::InReview => "In review",
            PlanStatus::Approved => "Approved",
            PlanStatus::Archived => "Archived",
        }
    }
}

/// How many sections serve each PSG x pillar pair: `cells[psg - 1][pillar - 1]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// Five rows (PSGs) of three cells (pillars).
    pub cells: [[u32; 3]; 5],
}

impl Coverage {
    /// Builds the matrix from each section's PSG and pillar tags.
    pub fn from_tags<'a>(sections: impl IntoIterator<Item = (&'a [u8], &'a [u8])>) -> Self {
        let mut cells = [[0u32; 3]; 5];
        for (psgs, pillars) in sections {
            for &p in psgs.iter().filter(|p| (1..=5).contains(*p)) {
                for &q in pillars.iter().filter(|q| (1..=3).contains(*q)) {
                    cells[usize::from(p - 1)][usize::from(q - 1)] += 1;
                }
            }
        }
        Coverage { cells }
    }

    /// PSG x pillar pairs no section serves.
    pub fn gaps(&self) -> usize {
        self.cells.iter().flatten().filter(|c| **c == 0).count()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn plan_titles_refuse_direction_controls() {
        let refused = PlanTitle::parse("National plan \u{202E}0302-6202");
        assert_eq!(
            refused,
            Err(crate::foundation::text::DIRECTION_CONTROL_MESSAGE)
        );
    }

    use super::*;

    #[test]
    fn title_bounds() {
        assert!(PlanTitle::parse("  ").is_err());
        assert!(PlanTitle::parse("ab").is_err());
        assert!(PlanTitle::parse(&"a".repeat(201)).is_err());
        assert_eq!(
            PlanTitle::parse(" Valdoria 2026 ").unwrap().as_str(),
            "Valdoria 2026"
        );
    }

    #[test]
    fn period_must_be_ordered_years() {
        assert_eq!(
            Period::parse("2026", "2030"),
            Ok(Period {
                start: 2026,
                end: 2030
            })
        );
        assert_eq!(Period::parse("2030", "2026").unwrap_err().0, "period_end");
        assert_eq!(
            Period::parse("twenty", "2026").unwrap_err().0,
            "period_start"
        );
        assert_eq!(Period::parse("1990", "2026").unwrap_err().0, "period_start");
        assert!(Period::parse("2026", "2060").is_err());
    }

    #[test]
    fn stage_and_status_parse() {
        assert_eq!(parse_stage("3"), Ok(3));
        assert!(parse_stage("6").is_err());
        assert_eq!(stage_name(2), "Rebuild and Reform");
        for s in PlanStatus::ALL {
            assert_eq!(PlanStatus::parse(s.as_str()), Ok(s));
        }
    }

    #[test]
    fn coverage_counts_each_psg_pillar_pair() {
        let a: (&[u8], &[u8]) = (&[1, 2], &[1]);
        let b: (&[u8], &[u8]) = (&[2], &[1, 3]);
        let c = Coverage::from_tags([a, b]);
        assert_eq!(c.cells[0], [1, 0, 0]);
        assert_eq!(c.cells[1], [2, 0, 1]);
        assert_eq!(c.gaps(), 12);
    }
}
