//! When an invitation can still be accepted: no leptos, no sqlx.

/// Why an invitation link cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationProblem {
    /// Someone already accepted it.
    Used,
    /// Its time ran out.
    Expired,
}

impl InvitationProblem {
    /// What the person opening the link is told.
    pub fn message(self) -> &'static str {
        match self {
            InvitationProblem::Used => "This invitation has already been used. Log in, or ask your administrator for a new one.",
            InvitationProblem::Expired => "This invitation has expired. Ask your administrator for a new one.",
        }
    }
}

/// Whether an invitation can still be accepted at `now`.
pub fn check_invitation(
    expires_at: i64,
    accepted_at: Option<i64>,
    now: i64,
) -> Result<(), InvitationProblem> {
    if accepted_at.is_some() {
        Err(InvitationProblem::Used)
    } else if now >= expires_at {
        Err(InvitationProblem::Expired)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn used_wins_over_expired() {
        assert_eq!(
            check_invitation(10, Some(5), 20),
            Err(InvitationProblem::Used)
        );
    }

    #[test]
    fn expires_at_the_stated_second() {
        assert_eq!(check_invitation(10, None, 9), Ok(()));
        assert_eq!(
            check_invitation(10, None, 10),
            Err(InvitationProblem::Expired)
        );
    }
}
