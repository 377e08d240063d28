//! Invitations to join an organisation as the person invited sees them: each with accept and
//! decline buttons (plain posts without JavaScript).

use crate::foundation::loaded::load;
use crate::foundation::ui::form_action::{FormAction, SubmitForm};
use leptos::prelude::*;

use crate::foundation::ui::fields::{action_error, ActionStatus, FormStatus};
use crate::foundation::ui::timestamp::Time;
use crate::invitations::api::joining::{
    membership_invitations, AcceptMembership, DeclineMembership,
};
use crate::invitations::views::MembershipOffer;

/// The logged-in person's invitations to join organisations; nothing when there are none.
#[component]
pub fn MembershipInvitations() -> impl IntoView {
    let accept = FormAction::<AcceptMembership>::new();
    let decline = FormAction::<DeclineMembership>::new();
    let offers = load(
        move || (accept.version().get(), decline.version().get()),
        |_| membership_invitations(),
    );
    view! {
        <ActionStatus action=accept done="joined" success="You joined the organisation." />
        <ActionStatus action=decline done="declined" success="Invitation declined." />
        <FormStatus errors=action_error(accept) />
        <FormStatus errors=action_error(decline) />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                offers.await.ok().filter(|o| !o.is_empty()).map(|offers| view! {
                    <section class="panel" aria-labelledby="invitations-heading">
                        <h2 id="invitations-heading">"Invitations to join"</h2>
                        <p class="muted">"Joining gives you the roles the organisation holds on plans; until you accept, nothing changes."</p>
                        <ul class="cards">
                            {offers.into_iter().map(|o| view! { <Offer offer=o accept decline /> }).collect_view()}
                        </ul>
                    </section>
                })
            })}
        </Suspense>
    }
}

#[component]
fn Offer(
    offer: MembershipOffer,
    accept: FormAction<AcceptMembership>,
    decline: FormAction<DeclineMembership>,
) -> impl IntoView {
    let id = offer.id.to_string();
    let id2 = id.clone();
    view! {
        <li class="card">
            <p>
                <strong>{offer.org_name.clone()}</strong> " "
                <span class=format!("badge kind-{}", offer.org_kind.as_str())>{offer.org_kind.label()}</span>
            </p>
            <p class="muted small">
                {format!("{} invites you as {}. The invitation expires ", offer.invited_by, offer.role.label().to_lowercase())}
                <Time unix=offer.expires_at ahead=true /> "."
            </p>
            <SubmitForm action=accept attr:class="inline">
                <input type="hidden" name="invitation_id" value=id />
                <button type="submit" class="primary small">{format!("Join {}", offer.org_name)}</button>
            </SubmitForm>
            <SubmitForm action=decline attr:class="inline">
                <input type="hidden" name="invitation_id" value=id2 />
                <button type="submit" class="small">"Decline"</button>
            </SubmitForm>
        </li>
    }
}
