//! Open invitations, each with a button to withdraw it for those who may.

use leptos::prelude::*;

use crate::foundation::ui::confirm::ConfirmButton;
use crate::foundation::ui::fields::{action_error, ActionStatus, FormStatus};
use crate::foundation::ui::form_action::{FormAction, SubmitForm};
use crate::foundation::ui::timestamp::Time;
use crate::invitations::api::pending::{RevokeInvitation, RevokeMembershipInvitation};
use crate::invitations::views::{PendingInvitation, PendingKind};

/// The actions that withdraw invitations; the page refetches its lists after each.
#[derive(Clone, Copy)]
pub struct RevokeActions {
    /// Withdraws an invitation link.
    pub link: FormAction<RevokeInvitation>,
    /// Withdraws an invitation of an existing account to join an organisation.
    pub membership: FormAction<RevokeMembershipInvitation>,
}

impl RevokeActions {
    /// New actions, made where the page makes its other actions.
    pub fn new() -> Self {
        RevokeActions {
            link: FormAction::new(),
            membership: FormAction::new(),
        }
    }

    /// Changes whenever an invitation is withdrawn, for the page's resources to follow.
    pub fn version(&self) -> (usize, usize) {
        (self.link.version().get(), self.membership.version().get())
    }
}

impl Default for RevokeActions {
    fn default() -> Self {
        Self::new()
    }
}

/// The invitations not yet answered, with who made them and until when they work.
#[component]
pub fn PendingInvitations(pending: Vec<PendingInvitation>, revoke: RevokeActions) -> impl IntoView {
    let status = view! {
        <ActionStatus action=revoke.link done="invitation-revoked" success="Invitation withdrawn." />
        <ActionStatus action=revoke.membership done="membership-invitation-revoked" success="Invitation withdrawn." />
        <FormStatus errors=action_error(revoke.link) />
        <FormStatus errors=action_error(revoke.membership) />
    };
    if pending.is_empty() {
        return view! { {status} <p class="muted">"No open invitations."</p> }.into_any();
    }
    view! {
        {status}
        <ul class="pending-invitations">
            {pending.into_iter().map(|i| view! { <Pending invitation=i revoke /> }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn Pending(invitation: PendingInvitation, revoke: RevokeActions) -> impl IntoView {
    let i = invitation;
    let how = match i.kind {
        PendingKind::Link => "invitation link",
        PendingKind::Membership => "existing account, asked to join",
    };
    let label = format!("Withdraw the invitation of {}", i.email);
    let id = i.id.to_string();
    // Asked first; a withdrawn invitation cannot be reopened, only made again.
    let explain = match i.kind {
        PendingKind::Link => format!(
            "Withdraw the invitation of {}? Their link stops working at once; you can invite them again.",
            i.email
        ),
        PendingKind::Membership => format!(
            "Withdraw the invitation of {}? They can no longer accept it; you can invite them again.",
            i.email
        ),
    };
    let button = i.can_revoke.then(move || match i.kind {
        PendingKind::Link => view! {
            <SubmitForm action=revoke.link attr:class="inline">
                <input type="hidden" name="invitation_id" value=id />
                <ConfirmButton label="Withdraw" name=label explain confirm="Yes, withdraw it" />
            </SubmitForm>
        }
        .into_any(),
        PendingKind::Membership => view! {
            <SubmitForm action=revoke.membership attr:class="inline">
                <input type="hidden" name="invitation_id" value=id />
                <ConfirmButton label="Withdraw" name=label explain confirm="Yes, withdraw it" />
            </SubmitForm>
        }
        .into_any(),
    });
    view! {
        <li>
            {i.display_name} " <" {i.email} "> · " {i.offer}
            <span class="muted small">{format!(" · {how}, by {} · expires ", i.invited_by)} <Time unix=i.expires_at ahead=true /></span>
            " " {button}
        </li>
    }
}
