//! `/{tier}/family`: the family for family mode — up to six children (name, age, girl/boy/
//! other) and two grown-ups, each optionally linked to one of the tier's characters, whose
//! description and photo then go into the pictures. A child sees the family; only a parent
//! changes it. Every form is a plain form post, also once the app runs: a parent changes the
//! family now and then, the page comes back as the server now has it (a refusal says why,
//! with what was typed), and the browser's bundle carries no client code for these changes.

use leptos::prelude::*;

use super::use_tier;
use leptos::server_fn::ServerFn;

use crate::api::family::{load_family, DeleteFamily, DeleteFamilyMember, SaveFamilyMember};
use crate::components::disclosure::Disclosure;
use crate::components::error_notice::ErrorNotice;
use crate::components::parent_mode::{is_parent, provide_parent_mode, AskAGrownUp};
use crate::components::refill::use_refill;
use crate::domain::family::{
    FamilyMemberInput, FamilyMemberView, FamilyRole, FamilyView, MAX_CHILDREN, MAX_GROWN_UPS,
};
use crate::domain::{urls, TierSpec};

#[component]
pub fn FamilyPage() -> impl IntoView {
    let tier = use_tier();
    view! { <FamilyContent tier/> }
}

#[component]
fn FamilyContent(tier: &'static TierSpec) -> impl IntoView {
    let family = Resource::new(|| (), move |_| load_family(tier.name.to_owned()));
    view! {
        <section class="family-page">
            <h1>"Our family"</h1>
            <p class="hint">
                "With family mode on, a story makes your children and grown-ups its characters and names a child in the first scene. Link someone to a character with a photo, and the pictures draw them like it."
            </p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || family.get().map(|answer| match answer {
                    Ok(view) => view! { <Members tier view/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                })}
            </Suspense>
            <p><a href=urls::home(tier.name)>"Back to start a story"</a></p>
        </section>
    }
    .into_any()
}

#[component]
fn Members(tier: &'static TierSpec, view: FamilyView) -> impl IntoView {
    provide_parent_mode(view.parent);
    let parent = is_parent();
    let children: Vec<FamilyMemberView> = view.children().cloned().collect();
    let grown_ups: Vec<FamilyMemberView> = view.grown_ups().cloned().collect();
    let characters = view.characters.clone();
    let list = |members: Vec<FamilyMemberView>, empty: &'static str| {
        if members.is_empty() {
            return view! { <p class="empty">{empty}</p> }.into_any();
        }
        members
            .into_iter()
            .map(|member| {
                view! { <Member tier member characters=characters.clone() parent/> }
            })
            .collect_view()
            .into_any()
    };
    let children_list = list(children.clone(), "No children yet.");
    let grown_ups_list = list(grown_ups.clone(), "No grown-ups yet.");
    let (for_child, for_grown_up) = (characters.clone(), characters);
    let room_for_child = children.len() < MAX_CHILDREN;
    let room_for_grown_up = grown_ups.len() < MAX_GROWN_UPS;
    let has_family = !view.members.is_empty();
    let refused = view
        .refused
        .clone()
        .map(|error| view! { <ErrorNotice error/> });
    let changes = match parent {
        true => view! {
            {room_for_child.then(|| view! {
                <Fold key="add-child".to_owned() label="Add a child" summary_class="button primary">
                    <MemberForm tier role=FamilyRole::Child member=None characters=for_child/>
                </Fold>
            })}
            {room_for_grown_up.then(|| view! {
                <Fold key="add-grown-up".to_owned() label="Add a grown-up" summary_class="button">
                    <MemberForm tier role=FamilyRole::GrownUp member=None characters=for_grown_up/>
                </Fold>
            })}
            {has_family.then(|| view! {
                <Fold key="remove-all".to_owned() label="Remove the whole family" summary_class="button">
                    <p>"Remove every child and grown-up here? Stories already written keep them."</p>
                    <form method="post" action=DeleteFamily::url()>
                        <input type="hidden" name="tier" value=tier.name/>
                        <button type="submit" class="button danger">"Yes, remove them all"</button>
                    </form>
                </Fold>
            })}
        }
        .into_any(),
        false => view! { <AskAGrownUp tier=tier.name what="add or change the family"/> }.into_any(),
    };
    view! {
        {refused}
        <h2>"Children"</h2>
        <div class="family-members">{children_list}</div>
        <h2>"Grown-ups"</h2>
        <div class="family-members">{grown_ups_list}</div>
        <div class="actions">{changes}</div>
    }
    .into_any()
}

#[component]
fn Member(
    tier: &'static TierSpec,
    member: FamilyMemberView,
    characters: Vec<(String, String)>,
    parent: bool,
) -> impl IntoView {
    let looks = member.character.as_ref().map(
        |(_, name)| view! { <p class="linked">{format!("Looks like the character {name}")}</p> },
    );
    let editable = member.clone();
    let changes = parent.then(move || {
        let member = editable;
        let id = member.id.clone();
        let name = member.name.clone();
        let role = member.role;
        view! {
            <div class="actions">
                <Fold key=format!("edit-{id}") label="Edit" summary_class="button">
                    <MemberForm tier role member=Some(member.clone()) characters/>
                </Fold>
                <Fold key=format!("remove-{id}") label="Remove" summary_class="button">
                    <form method="post" action=DeleteFamilyMember::url()>
                        <input type="hidden" name="tier" value=tier.name/>
                        <input type="hidden" name="id" value=id.clone()/>
                        <button type="submit" class="button danger">{format!("Yes, remove {name}")}</button>
                    </form>
                </Fold>
            </div>
        }
    });
    view! {
        <article class="family-member" data-member=member.id.clone()>
            <h3 class="member-name">{member.name.clone()}</h3>
            <p class="member-who">{member.who()}</p>
            {looks}
            {changes}
        </article>
    }
    .into_any()
}

/// A disclosure of the page: a form or a question, open at once when `key` names the form a
/// refused post came from.
#[component]
fn Fold(
    key: String,
    label: &'static str,
    summary_class: &'static str,
    children: Children,
) -> impl IntoView {
    let refused_here =
        use_refill(SaveFamilyMember::url()).is_some_and(|typed| form_key(&typed) == key);
    let open = RwSignal::new(refused_here);
    view! { <Disclosure label class=summary_class.to_owned() open>{children()}</Disclosure> }
}

/// Which form a refused save came from: `edit-<id>`, or `add-child` / `add-grown-up`.
fn form_key(typed: &crate::domain::form::Refill) -> String {
    match (typed.text("id"), typed.text("input[role]").as_deref()) {
        (Some(id), _) => format!("edit-{id}"),
        (None, Some("grown_up")) => "add-grown-up".to_owned(),
        (None, _) => "add-child".to_owned(),
    }
}

/// Adds (`member` = `None`) or edits a member of the family.
#[component]
fn MemberForm(
    tier: &'static TierSpec,
    role: FamilyRole,
    member: Option<FamilyMemberView>,
    characters: Vec<(String, String)>,
) -> impl IntoView {
    let stored = member
        .as_ref()
        .map(FamilyMemberView::to_input)
        .unwrap_or(FamilyMemberInput {
            role: Some(role),
            ..Default::default()
        });
    let id = member.map(|m| m.id);
    let key = match &id {
        Some(id) => format!("edit-{id}"),
        None if role == FamilyRole::GrownUp => "add-grown-up".to_owned(),
        None => "add-child".to_owned(),
    };
    // A refused post comes back with what was typed in this form: nothing is lost.
    let input = match use_refill(SaveFamilyMember::url()).filter(|t| form_key(t) == key) {
        Some(typed) => FamilyMemberInput {
            role: Some(role),
            name: typed.text("input[name]").unwrap_or_default(),
            age: typed.text("input[age]").unwrap_or_default(),
            gender: typed.text("input[gender]"),
            character_id: typed.text("input[character_id]"),
        },
        None => stored,
    };
    let child = role == FamilyRole::Child;
    let genders = child.then(|| {
        let pills = [("girl", "girl"), ("boy", "boy"), ("other", "other")]
            .into_iter()
            .map(|(value, words)| {
                let checked = input.gender.as_deref() == Some(value);
                view! {
                    <label class="pill">
                        <input type="radio" name="input[gender]" value=value checked=checked/>
                        <span>{words}</span>
                    </label>
                }
            })
            .collect_view();
        view! {
            <label>
                "Age"
                <input name="input[age]" type="text" inputmode="numeric" autocomplete="off" value=input.age.clone()/>
            </label>
            <fieldset class="trait-group">
                <legend>"Girl, boy or other"</legend>
                <div class="pills">{pills}</div>
            </fieldset>
        }
    });
    let looks = (!characters.is_empty()).then(|| {
        let options = characters
            .into_iter()
            .map(|(value, name)| {
                let chosen = input.character_id.as_deref() == Some(value.as_str());
                view! { <option value=value selected=chosen>{name}</option> }
            })
            .collect_view();
        view! {
            <label>
                "Looks like (a character with a photo)"
                <select name="input[character_id]">
                    <option value="">"(nobody in particular)"</option>
                    {options}
                </select>
            </label>
        }
    });
    view! {
        <form class="member-form" method="post" action=SaveFamilyMember::url()>
            <input type="hidden" name="tier" value=tier.name/>
            {id.map(|id| view! { <input type="hidden" name="id" value=id/> })}
            <input type="hidden" name="input[role]" value=role.key()/>
            <label>
                "Name"
                <input name="input[name]" type="text" autocomplete="off" value=input.name.clone()/>
            </label>
            {genders}
            {looks}
            <button type="submit" class="button primary">
                {if child { "Save child" } else { "Save grown-up" }}
            </button>
        </form>
    }
    .into_any()
}
