//! Who is looking at the catalogue.

use crate::{Error, Result};

/// The oldest audience age the catalogue models, in months (18 years).
pub const MAX_AGE_MONTHS: u16 = 216;

/// Coarse age bands used by safety rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AgeBand {
    /// Under 36 months: choking hazards matter.
    Toddler,
    /// 3 to 12 years.
    Child,
    /// 13 to 17 years.
    Teen,
    /// 18 and over (a parent shopping for themselves).
    Adult,
}

/// The audience of a search or recommendation call. It has no default: every call states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Audience {
    age_months: u16,
}

impl Audience {
    /// Creates an audience of the given age in months, rejecting ages outside `0..=MAX_AGE_MONTHS`.
    pub fn new(age_months: i64) -> Result<Self> {
        match u16::try_from(age_months) {
            Ok(age) if age <= MAX_AGE_MONTHS => Ok(Self { age_months: age }),
            _ => Err(Error::AgeOutOfRange(age_months)),
        }
    }

    /// Returns the audience's age in months.
    pub fn age_months(self) -> u16 {
        self.age_months
    }

    /// Returns the coarse age band of the audience.
    pub fn band(self) -> AgeBand {
        match self.age_months {
            0..36 => AgeBand::Toddler,
            36..156 => AgeBand::Child,
            156..216 => AgeBand::Teen,
            _ => AgeBand::Adult,
        }
    }

    /// Returns whether a product tagged for `min..=max` months may be shown to this audience.
    pub fn admits(self, age_min_months: u16, age_max_months: u16) -> bool {
        age_min_months <= self.age_months && self.age_months <= age_max_months
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audience_rejects_out_of_range_ages() {
        assert!(Audience::new(-1).is_err());
        assert!(Audience::new(217).is_err());
        assert_eq!(Audience::new(0).unwrap().band(), AgeBand::Toddler);
        assert_eq!(Audience::new(60).unwrap().band(), AgeBand::Child);
        assert_eq!(Audience::new(216).unwrap().band(), AgeBand::Adult);
    }

    #[test]
    fn admits_is_inclusive() {
        let three = Audience::new(36).unwrap();
        assert!(three.admits(36, 72));
        assert!(three.admits(0, 36));
        assert!(!three.admits(144, 216));
    }
}
