//! Checklist pages and the progress panel of the plan overview.
