//! Countries: the ISO 3166-1 catalogue and the code type plans and organisations are parsed
//! into.

mod catalogue;

use serde::{Deserialize, Serialize};

pub use catalogue::COUNTRIES;

/// An ISO 3166-1 alpha-2 country code that exists in the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    /// Parses a code such as `SL` or `sl`.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let code = raw.trim().to_ascii_uppercase();
        if code.is_empty() {
            return Err("Choose a country.");
        }
        match COUNTRIES.binary_search_by(|(c, _)| (*c).cmp(code.as_str())) {
            Ok(_) => {
                let b = code.as_bytes();
                Ok(CountryCode([b[0], b[1]]))
            }
            Err(_) => Err("Choose a country from the list."),
        }
    }

    /// The two-letter code.
    pub fn as_str(&self) -> &str {
        // Only ever built from an ASCII catalogue entry.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }

    /// The country's English short name.
    pub fn name(&self) -> &'static str {
        country_name(self.as_str())
    }
}

/// The English short name for a code, or the code itself when unknown.
pub fn country_name(code: &str) -> &'static str {
    COUNTRIES
        .binary_search_by(|(c, _)| (*c).cmp(code))
        .map(|i| COUNTRIES[i].1)
        .unwrap_or("Unknown country")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_codes_come_from_the_catalogue() {
        assert_eq!(CountryCode::parse("sl").unwrap().as_str(), "SL");
        assert_eq!(CountryCode::parse("SL").unwrap().name(), "Sierra Leone");
        assert!(CountryCode::parse("QQ").is_err());
        assert!(CountryCode::parse("").is_err());
        assert!(CountryCode::parse("Sierra Leone").is_err());
    }

    #[test]
    fn catalogue_is_sorted_for_binary_search() {
        assert!(COUNTRIES.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(COUNTRIES.len(), 250);
    }
}
