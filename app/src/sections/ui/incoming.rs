//! Others' saves arriving in an open editor: when the page's event stream says the section was
//! saved by someone else, the editor asks the server to merge that save into what it holds
//! (the same paragraph merge as a save, writing nothing). Changes to other paragraphs come in
//! at once, with the caret and the paragraph being typed left exactly as they were; overlapping
//! changes are shown side by side and the editor's text is left alone.

use leptos::prelude::*;

use crate::sections::views::EditConflict;

/// What came in, for the notice above the editor.
#[derive(Debug, Clone, PartialEq)]
pub enum Arrived {
    /// Their changes are in the editor now.
    Merged { by: Vec<String>, version: i64 },
    /// Their changes overlap the editor's: nothing was changed in the editor.
    Overlap(Box<EditConflict>),
}

/// `merged` (the server's merge of the editor's text `mine` with others' changes) as the
/// editor should hold it, and where the caret goes, given the caret at byte `caret` of `mine`.
///
/// The server's merge normalises whitespace (trailing spaces, runs of blank lines), which would
/// eat the space just typed at the end of a line. So the paragraph being typed in is put back
/// exactly as typed (it is the person's own: a clean merge never changed it), and so is
/// whitespace typed after the last paragraph.
pub fn splice_typing(mine: &str, caret: usize, merged: &str) -> (String, usize) {
    let caret = floor_boundary(mine, caret.min(mine.len()));
    // The paragraph around the caret: from after the blank line before it to the blank line
    // after it.
    let start = mine[..caret].rfind("\n\n").map_or(0, |i| i + 2);
    let end = mine[caret..].find("\n\n").map_or(mine.len(), |i| caret + i);
    let typed = &mine[start..end];
    let normal = crate::sections::merge::normalise(typed);
    if normal.is_empty() {
        // Typing in blank lines: at the end of the text, keep them.
        if mine[caret..].trim().is_empty() {
            let tail = &mine[mine.trim_end().len()..];
            let text = format!("{}{tail}", merged.trim_end());
            let at = merged.trim_end().len() + (caret - mine.trim_end().len().min(caret));
            return (text.clone(), at.min(text.len()));
        }
        return (merged.to_owned(), caret.min(merged.len()));
    }
    // The occurrence of that paragraph nearest to where it was.
    let found = merged
        .match_indices(normal.as_str())
        .map(|(i, _)| i)
        .min_by_key(|i| i.abs_diff(start));
    match found {
        Some(at) => {
            let text = format!("{}{}{}", &merged[..at], typed, &merged[at + normal.len()..]);
            (text, at + (caret - start))
        }
        None => (
            merged.to_owned(),
            floor_boundary(merged, caret.min(merged.len())),
        ),
    }
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The byte offset in `text` of UTF-16 offset `units` (what a text field reports).
pub fn byte_of_utf16(text: &str, units: u32) -> usize {
    let mut seen = 0u32;
    for (i, c) in text.char_indices() {
        if seen >= units {
            return i;
        }
        seen += c.len_utf16() as u32;
    }
    text.len()
}

/// The UTF-16 offset of byte `at` of `text`.
pub fn utf16_of_byte(text: &str, at: usize) -> u32 {
    text[..floor_boundary(text, at.min(text.len()))]
        .encode_utf16()
        .count() as u32
}

/// Keeps the editor's text as a draft in this browser.
pub type KeepDraft = Box<dyn Fn(&str) + Send + Sync>;

/// The signals of an open editor that an arriving save works with.
#[derive(Clone, Copy)]
pub struct OpenEditor {
    pub plan: i64,
    pub section: i64,
    /// The text in the editor.
    pub body: RwSignal<String>,
    /// The version it is based on.
    pub base: RwSignal<i64>,
    /// The text saved at that version.
    pub saved: RwSignal<String>,
    pub saving: Signal<bool>,
    pub field: NodeRef<leptos::html::Textarea>,
    pub arrived: RwSignal<Option<Arrived>>,
    /// Keeps the editor's text as a draft in this browser.
    pub keep: StoredValue<KeepDraft>,
}

/// Brings version `version` (saved by someone else) into the editor, if it is newer than the
/// editor's. While the person types, or their own save travels, it waits and tries again.
pub fn bring_in(editor: OpenEditor, version: i64) {
    #[cfg(feature = "hydrate")]
    {
        if version <= editor.base.get_untracked() || editor.saving.get_untracked() {
            // Nothing newer; or their own save's outcome will merge (or show) the other save.
            return;
        }
        let sent = editor.body.get_untracked();
        let from = editor.base.get_untracked();
        leptos::task::spawn_local(async move {
            let answer = crate::sections::api::merge_incoming(
                editor.plan,
                editor.section,
                from,
                sent.clone(),
            )
            .await;
            let changed_meanwhile = editor.body.get_untracked() != sent
                || editor.base.get_untracked() != from
                || editor.saving.get_untracked();
            use crate::sections::views::Incoming;
            match answer {
                Ok(_) if changed_meanwhile => {
                    // Typed on while the merge travelled: merge again from what is there now.
                    set_timeout(
                        move || bring_in(editor, version),
                        std::time::Duration::from_millis(600),
                    );
                }
                Ok(Incoming::Current { .. }) => {}
                Ok(Incoming::Merged {
                    version,
                    merged,
                    theirs,
                    by,
                }) => {
                    let text = put_in_field(editor.field, &sent, &merged);
                    editor.body.set(text.clone());
                    editor.base.set(version);
                    editor.saved.set(theirs);
                    editor.keep.with_value(|keep| keep(&text));
                    editor.arrived.set(Some(Arrived::Merged { by, version }));
                }
                Ok(Incoming::Overlap(conflict)) => {
                    editor.arrived.set(Some(Arrived::Overlap(conflict)));
                }
                // The next save merges (or shows) it anyway.
                Err(_) => {}
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (editor, version);
}

/// Puts `merged` in the field that holds `mine`, keeping the caret (and the paragraph being
/// typed) where they were; returns the text now in the field.
#[cfg(feature = "hydrate")]
fn put_in_field(field: NodeRef<leptos::html::Textarea>, mine: &str, merged: &str) -> String {
    let Some(el) = field.get_untracked() else {
        return merged.to_owned();
    };
    let caret = el
        .selection_start()
        .ok()
        .flatten()
        .map_or(mine.len(), |u| byte_of_utf16(mine, u));
    let (text, at) = splice_typing(mine, caret, merged);
    el.set_value(&text);
    let focused = leptos::prelude::document()
        .active_element()
        .is_some_and(|a| a.is_same_node(Some(el.as_ref())));
    if focused {
        let units = utf16_of_byte(&text, at);
        let _ = el.set_selection_range(units, units);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn their_paragraph_comes_in_and_the_caret_stays_in_mine_with_its_trailing_space() {
        let mine = "First para.\n\nSecond para.\n\nThird, typing here ";
        let caret = mine.len();
        let merged = "First para, changed by them.\n\nSecond para.\n\nThird, typing here";
        let (text, at) = splice_typing(mine, caret, merged);
        assert_eq!(
            text,
            "First para, changed by them.\n\nSecond para.\n\nThird, typing here "
        );
        assert_eq!(at, text.len());
    }

    #[test]
    fn the_caret_keeps_its_place_inside_the_paragraph_being_typed() {
        let mine = "One.\n\nTwo, with my edit.\n\nThree.";
        let caret = mine.find("my").expect("in the text");
        let merged = "One.\n\nTwo, with my edit.\n\nThree, and theirs.";
        let (text, at) = splice_typing(mine, caret, merged);
        assert_eq!(text, merged);
        assert_eq!(&text[at..at + 2], "my");
        let longer_before = "A new first paragraph.\n\nOne.\n\nTwo, with my edit.\n\nThree.";
        let (text, at) = splice_typing(mine, caret, longer_before);
        assert_eq!(text, longer_before);
        assert_eq!(&text[at..at + 2], "my");
    }

    #[test]
    fn blank_lines_typed_at_the_end_to_start_a_paragraph_are_kept() {
        let mine = "One.\n\nTwo.\n\n";
        let (text, at) = splice_typing(mine, mine.len(), "One, theirs.\n\nTwo.");
        assert_eq!(text, "One, theirs.\n\nTwo.\n\n");
        assert_eq!(at, text.len());
    }

    #[test]
    fn offsets_convert_between_the_fields_utf16_and_the_texts_bytes() {
        let text = "Ré 😀 x";
        let at = text.find('x').expect("in the text");
        let units = utf16_of_byte(text, at);
        assert_eq!(units, 6);
        assert_eq!(byte_of_utf16(text, units), at);
        assert_eq!(byte_of_utf16(text, 999), text.len());
    }
}
