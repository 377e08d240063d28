//! An item's editable fields as one value, what a form changes, and the field-by-field merge
//! of two people's edits of one item.

use serde::{Deserialize, Serialize};

use super::domain::{format_due_date, ItemStatus};
use crate::foundation::frameworks::risk_factor_name;

/// Everything about an item that people edit, as one value: what a version holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemFields {
    /// What the item asks for.
    pub text: String,
    /// New Deal goal, 1-5.
    pub psg: u8,
    /// R2P pillar, 1-3.
    pub pillar: u8,
    /// UN Framework risk factors it addresses, sorted.
    pub risk_factors: Vec<u8>,
    /// Status (with the N/A reason).
    pub status: ItemStatus,
    /// Responsible organisation.
    pub responsible_org: Option<i64>,
    /// Responsible person (a name; may be someone without an account).
    pub responsible_person: String,
    /// Due date, Unix seconds at 00:00 UTC.
    pub due_date: Option<i64>,
}

/// One editable field of an item (status and its N/A reason count as one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ItemField {
    /// Text.
    Text,
    /// New Deal goal.
    Psg,
    /// R2P pillar.
    Pillar,
    /// Risk factors.
    RiskFactors,
    /// Status and N/A reason.
    Status,
    /// Responsible organisation.
    ResponsibleOrg,
    /// Responsible person.
    ResponsiblePerson,
    /// Due date.
    DueDate,
}

impl ItemField {
    /// Every field, in form order.
    pub const ALL: [ItemField; 8] = [
        ItemField::Text,
        ItemField::Psg,
        ItemField::Pillar,
        ItemField::RiskFactors,
        ItemField::Status,
        ItemField::ResponsibleOrg,
        ItemField::ResponsiblePerson,
        ItemField::DueDate,
    ];

    /// How the field is named to people.
    pub fn label(self) -> &'static str {
        match self {
            ItemField::Text => "Item",
            ItemField::Psg => "New Deal goal",
            ItemField::Pillar => "R2P pillar",
            ItemField::RiskFactors => "Risk factors",
            ItemField::Status => "Status",
            ItemField::ResponsibleOrg => "Responsible organisation",
            ItemField::ResponsiblePerson => "Responsible person",
            ItemField::DueDate => "Due date",
        }
    }
}

impl ItemFields {
    /// Whether `self` and `other` hold the same value for `field`.
    pub fn same(&self, other: &ItemFields, field: ItemField) -> bool {
        match field {
            ItemField::Text => self.text == other.text,
            ItemField::Psg => self.psg == other.psg,
            ItemField::Pillar => self.pillar == other.pillar,
            ItemField::RiskFactors => self.risk_factors == other.risk_factors,
            ItemField::Status => self.status == other.status,
            ItemField::ResponsibleOrg => self.responsible_org == other.responsible_org,
            ItemField::ResponsiblePerson => self.responsible_person == other.responsible_person,
            ItemField::DueDate => self.due_date == other.due_date,
        }
    }

    /// Copies `field` from `from`.
    pub fn take(&mut self, from: &ItemFields, field: ItemField) {
        match field {
            ItemField::Text => self.text.clone_from(&from.text),
            ItemField::Psg => self.psg = from.psg,
            ItemField::Pillar => self.pillar = from.pillar,
            ItemField::RiskFactors => self.risk_factors.clone_from(&from.risk_factors),
            ItemField::Status => self.status = from.status.clone(),
            ItemField::ResponsibleOrg => self.responsible_org = from.responsible_org,
            ItemField::ResponsiblePerson => {
                self.responsible_person.clone_from(&from.responsible_person)
            }
            ItemField::DueDate => self.due_date = from.due_date,
        }
    }

    /// The fields that differ between `self` and `other`.
    pub fn changed(&self, other: &ItemFields) -> Vec<ItemField> {
        ItemField::ALL
            .into_iter()
            .filter(|f| !self.same(other, *f))
            .collect()
    }
}

/// What one form changes: `None` leaves a field as it was in the version the form was based on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemPatch {
    /// New text.
    pub text: Option<String>,
    /// New goal.
    pub psg: Option<u8>,
    /// New pillar.
    pub pillar: Option<u8>,
    /// New risk factors.
    pub risk_factors: Option<Vec<u8>>,
    /// New status.
    pub status: Option<ItemStatus>,
    /// New responsible organisation (`Some(None)` clears it).
    pub responsible_org: Option<Option<i64>>,
    /// New responsible person.
    pub responsible_person: Option<String>,
    /// New due date (`Some(None)` clears it).
    pub due_date: Option<Option<i64>>,
}

impl ItemPatch {
    /// `base` with this patch's changes: what the person saving means the item to hold.
    pub fn apply(&self, base: &ItemFields) -> ItemFields {
        let mut out = base.clone();
        if let Some(v) = &self.text {
            out.text.clone_from(v);
        }
        if let Some(v) = self.psg {
            out.psg = v;
        }
        if let Some(v) = self.pillar {
            out.pillar = v;
        }
        if let Some(v) = &self.risk_factors {
            out.risk_factors.clone_from(v);
        }
        if let Some(v) = &self.status {
            out.status = v.clone();
        }
        if let Some(v) = self.responsible_org {
            out.responsible_org = v;
        }
        if let Some(v) = &self.responsible_person {
            out.responsible_person.clone_from(v);
        }
        if let Some(v) = self.due_date {
            out.due_date = v;
        }
        out
    }
}

impl ItemFields {
    /// `field`'s value in words, for showing two conflicting values side by side.
    pub fn display(&self, field: ItemField, org_name: impl Fn(i64) -> String) -> String {
        use crate::foundation::frameworks::{PILLARS, PSGS};
        let none = || "(none)".to_owned();
        match field {
            ItemField::Text => self.text.clone(),
            ItemField::Psg => PSGS
                .iter()
                .find(|(n, _)| *n == self.psg)
                .map(|(n, s)| format!("PSG {n}: {s}"))
                .unwrap_or_else(none),
            ItemField::Pillar => PILLARS
                .iter()
                .find(|(n, _)| *n == self.pillar)
                .map(|(n, s)| format!("Pillar {n}: {s}"))
                .unwrap_or_else(none),
            ItemField::RiskFactors if self.risk_factors.is_empty() => none(),
            ItemField::RiskFactors => self
                .risk_factors
                .iter()
                .map(|f| format!("{f}. {}", risk_factor_name(*f)))
                .collect::<Vec<_>>()
                .join("; "),
            ItemField::Status => self.status.describe(),
            ItemField::ResponsibleOrg => self.responsible_org.map(org_name).unwrap_or_else(none),
            ItemField::ResponsiblePerson if self.responsible_person.is_empty() => none(),
            ItemField::ResponsiblePerson => self.responsible_person.clone(),
            ItemField::DueDate => self.due_date.map(format_due_date).unwrap_or_else(none),
        }
    }
}

/// What a save of an item must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemSavePlan {
    /// The saved item already holds these values.
    NoChange,
    /// Write these fields as the next version.
    Write {
        /// The fields to store.
        fields: ItemFields,
        /// Whether someone else's changes (to other fields) were merged in.
        merged: bool,
    },
    /// Both changed these fields to different values: write nothing, show both.
    Conflict(Vec<ItemField>),
}

/// Decides a save of `mine`, made from `base`, when the item now holds `current`. Each field
/// is taken from whoever changed it; a field both changed to different values is a conflict,
/// never a silent overwrite.
pub fn plan_item_save(base: &ItemFields, current: &ItemFields, mine: &ItemFields) -> ItemSavePlan {
    let mut result = current.clone();
    let mut conflicts = Vec::new();
    for field in ItemField::ALL {
        let i_changed = !mine.same(base, field);
        let they_changed = !current.same(base, field);
        if !i_changed {
            continue;
        }
        if they_changed && !mine.same(current, field) {
            conflicts.push(field);
        } else {
            result.take(mine, field);
        }
    }
    if !conflicts.is_empty() {
        return ItemSavePlan::Conflict(conflicts);
    }
    if result == *current {
        return ItemSavePlan::NoChange;
    }
    ItemSavePlan::Write {
        merged: current != base,
        fields: result,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item() -> ItemFields {
        ItemFields {
            text: "Civilian oversight".into(),
            psg: 2,
            pillar: 1,
            risk_factors: vec![3, 5],
            status: ItemStatus::NotStarted,
            responsible_org: None,
            responsible_person: String::new(),
            due_date: None,
        }
    }
    #[test]
    fn a_save_on_the_current_version_writes_what_changed() {
        let base = item();
        let mut mine = base.clone();
        mine.status = ItemStatus::Done;
        assert_eq!(
            plan_item_save(&base, &base, &mine),
            ItemSavePlan::Write {
                fields: mine.clone(),
                merged: false
            }
        );
        assert_eq!(plan_item_save(&base, &base, &base), ItemSavePlan::NoChange);
    }

    #[test]
    fn stale_saves_of_different_fields_merge() {
        let base = item();
        let mut theirs = base.clone();
        theirs.responsible_person = "A. Dara".into();
        let mut mine = base.clone();
        mine.status = ItemStatus::InProgress;
        let ItemSavePlan::Write { fields, merged } = plan_item_save(&base, &theirs, &mine) else {
            panic!("expected a write");
        };
        assert!(merged);
        assert_eq!(fields.responsible_person, "A. Dara");
        assert_eq!(fields.status, ItemStatus::InProgress);
    }

    #[test]
    fn stale_saves_of_the_same_field_conflict_unless_they_agree() {
        let base = item();
        let mut theirs = base.clone();
        theirs.status = ItemStatus::Done;
        theirs.due_date = Some(86_400);
        let mut mine = base.clone();
        mine.status = ItemStatus::NotApplicable("No army".into());
        mine.due_date = Some(86_400);
        assert_eq!(
            plan_item_save(&base, &theirs, &mine),
            ItemSavePlan::Conflict(vec![ItemField::Status])
        );
        let mut same = base.clone();
        same.status = ItemStatus::Done;
        assert_eq!(
            plan_item_save(&base, &theirs, &same),
            ItemSavePlan::NoChange
        );
    }

    #[test]
    fn a_patch_changes_only_what_the_form_sent() {
        let base = item();
        let patch = ItemPatch {
            status: Some(ItemStatus::Done),
            due_date: Some(None),
            ..ItemPatch::default()
        };
        let mine = patch.apply(&base);
        assert_eq!(mine.changed(&base), vec![ItemField::Status]);
        assert_eq!(mine.display(ItemField::Status, |_| String::new()), "Done");
        assert_eq!(
            mine.display(ItemField::RiskFactors, |_| String::new()),
            "3. Weakness of State structures; 5. Capacity to commit atrocity crimes"
        );
    }

    fn arb_fields() -> impl proptest::strategy::Strategy<Value = ItemFields> {
        use proptest::prelude::*;
        (
            0u8..2,
            1u8..3,
            0u8..2,
            0u8..3,
            proptest::option::of(1i64..3),
        )
            .prop_map(|(text, psg, risks, status, due)| ItemFields {
                text: format!("text {text}"),
                psg,
                pillar: 1,
                risk_factors: (1..=risks).collect(),
                status: match status {
                    0 => ItemStatus::NotStarted,
                    1 => ItemStatus::Done,
                    _ => ItemStatus::NotApplicable("reason".into()),
                },
                responsible_org: None,
                responsible_person: String::new(),
                due_date: due,
            })
    }

    proptest::proptest! {
        /// Whatever three versions meet, a save never drops either side's change: a write holds
        /// every field as whoever changed it left it, and a conflict names only fields both
        /// changed to different values.
        #[test]
        fn no_change_is_ever_lost(base in arb_fields(), theirs in arb_fields(), mine in arb_fields()) {
            match plan_item_save(&base, &theirs, &mine) {
                ItemSavePlan::Write { fields, .. } => {
                    for f in ItemField::ALL {
                        if !mine.same(&base, f) {
                            proptest::prop_assert!(fields.same(&mine, f));
                        } else {
                            proptest::prop_assert!(fields.same(&theirs, f));
                        }
                    }
                }
                ItemSavePlan::NoChange => proptest::prop_assert_eq!(
                    mine.changed(&base).into_iter().filter(|f| !mine.same(&theirs, *f)).count(),
                    0
                ),
                ItemSavePlan::Conflict(fields) => {
                    proptest::prop_assert!(!fields.is_empty());
                    for f in fields {
                        proptest::prop_assert!(!mine.same(&base, f) && !theirs.same(&base, f) && !mine.same(&theirs, f));
                    }
                }
            }
        }
    }
}
