//! The people page: everyone on the platform, open invitations, and inviting people
//! (platform administrators).

use crate::foundation::loaded::load;
use crate::foundation::ui::form_action::FormAction;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::admin::api::{people, SetPersonActive, SetPlatformRole};
use crate::admin::ui::PeopleTable;
use crate::foundation::ui::errors::ErrorPage;
use crate::invitations::api::pending::pending_invitations;
use crate::invitations::api::{take_invitation_notice, Invite};
use crate::invitations::ui::pending::{PendingInvitations, RevokeActions};
use crate::invitations::ui::InviteForm;

/// The people page (platform administrators).
#[component]
pub fn PeoplePage() -> impl IntoView {
    let set_active = FormAction::<SetPersonActive>::new();
    let set_role = FormAction::<SetPlatformRole>::new();
    let invite = FormAction::<Invite>::new();
    let revoke = RevokeActions::new();
    let data = load(
        move || {
            (
                set_active.version().get(),
                set_role.version().get(),
                invite.version().get(),
                revoke.version(),
            )
        },
        |_| async move {
            let overview = people().await?;
            let pending = pending_invitations().await?;
            // Without JavaScript, the invitation link waits in the session for this page.
            let notice = take_invitation_notice().await.ok().flatten();
            Ok::<_, crate::error::AppError>((overview, pending, notice))
        },
    );
    view! {
        <Title text="People" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((overview, pending, notice)) => view! {
                        <h1>"People"</h1>
                        <PeopleTable overview=overview.clone() set_active set_role />
                        <section class="panel">
                            <h2>"Open invitations"</h2>
                            <PendingInvitations pending revoke />
                        </section>
                        <section class="panel narrow">
                            <h2>"Invite someone"</h2>
                            <InviteForm invite notice organisations=overview.organisations />
                        </section>
                    }
                    .into_any(),
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
