//! The enumerations written out by hand in three places stay the same
//! lists: the engine's tables (the values the code accepts and produces),
//! the TypeScript unions of `pkg-template/index.d.ts` (what users' code
//! compiles against) and the marked lists of `docs/reference.md` (what the
//! reference says). A value added, removed or misspelt on one side only
//! fails here, in either direction.
//!
//! The typings name each list as `export type <Name> = 'a' | 'b' ...;`;
//! the reference as a line `<!-- list: <Name> -->` followed by one
//! `` - `value` `` line per value (indented lines continue an item).
//! Both readers are strict: anything else where a list is expected fails
//! rather than being skipped.

use contiguity_imessage::engine::error::ErrorCode;
use contiguity_imessage::engine::imessage::content::FALLBACK_WHEN;
use contiguity_imessage::engine::imessage::react::{REACT_ACTIONS, TAPBACKS};
use contiguity_imessage::engine::imessage::typing::TYPING_ACTIONS;
use contiguity_imessage::engine::validate::IssueCode;
use contiguity_imessage::engine::webhook::EVENT_TYPES;

const TYPINGS: &str = include_str!("../pkg-template/index.d.ts");
const REFERENCE: &str = include_str!("../docs/reference.md");

/// Every list the reference marks; a marker not named here fails, so no
/// list is left unchecked by a typo.
const LISTS: [&str; 7] = [
    "ValidationIssueCode",
    "ContiguityErrorCode",
    "Tapback",
    "ReactAction",
    "TypingAction",
    "FallbackWhen",
    "WebhookEventType",
];

/// The event types outside the engine's table: the typings list the
/// `identity.*` family, which `parse` takes as generic events.
const IDENTITY_PREFIX: &str = "identity.";

/// The string literals of `export type <name> = 'a' | 'b' ...;`.
fn ts_union(source: &str, name: &str) -> Result<Vec<String>, String> {
    let head = format!("export type {name} =");
    let mut found = source.match_indices(&head);
    let (start, _) = found
        .next()
        .ok_or_else(|| format!("no `{head}` in the typings"))?;
    if found.next().is_some() {
        return Err(format!("`{head}` appears more than once"));
    }
    let body = &source[start + head.len()..];
    let end = body
        .find(';')
        .ok_or_else(|| format!("`{head}` has no closing `;`"))?;
    let mut members = body[..end].split('|').map(str::trim).peekable();
    // A union may start with `|`, which leaves an empty first member.
    if members.peek() == Some(&"") {
        members.next();
    }
    members
        .map(|member| {
            member
                .strip_prefix('\'')
                .and_then(|m| m.strip_suffix('\''))
                .filter(|m| !m.is_empty() && !m.contains(['\'', '\\']))
                .map(str::to_owned)
                .ok_or_else(|| {
                    format!("`{name}` has a member that is not a plain string literal: {member:?}")
                })
        })
        .collect()
}

/// The values of the list after the line `<!-- list: <name> -->`.
fn doc_list(source: &str, name: &str) -> Result<Vec<String>, String> {
    let marker = format!("<!-- list: {name} -->");
    let mut lines = source.lines();
    if lines.clone().filter(|line| *line == marker).count() != 1 {
        return Err(format!(
            "the reference must have exactly one line `{marker}`"
        ));
    }
    lines.find(|line| *line == marker);
    let mut values = Vec::new();
    for line in lines {
        if line.is_empty() {
            break;
        }
        if let Some(item) = line.strip_prefix("- `") {
            let value = item
                .split_once('`')
                .map(|(value, _)| value)
                .filter(|value| !value.is_empty())
                .ok_or_else(|| format!("`{name}`: an item without a `value`: {line:?}"))?;
            values.push(value.to_owned());
        } else if line.starts_with("  ") && !values.is_empty() {
            // The item above goes on.
        } else {
            return Err(format!(
                "`{name}`: a line that is neither an item nor its continuation: {line:?}"
            ));
        }
    }
    if values.is_empty() {
        return Err(format!("`{name}`: no item after `{marker}`"));
    }
    Ok(values)
}

/// What differs between the engine's list and another's, in words; empty
/// when they hold the same values, each once (order aside).
fn differences(engine: &[&str], other: &[String], other_name: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for value in engine {
        if !other.iter().any(|o| o == value) {
            problems.push(format!("{other_name} lacks {value:?}"));
        }
    }
    for (i, value) in other.iter().enumerate() {
        if !engine.contains(&value.as_str()) {
            problems.push(format!(
                "{other_name} has {value:?}, which the engine does not"
            ));
        }
        if other[..i].contains(value) {
            problems.push(format!("{other_name} lists {value:?} twice"));
        }
    }
    for (i, value) in engine.iter().enumerate() {
        if engine[..i].contains(value) {
            problems.push(format!("the engine lists {value:?} twice"));
        }
    }
    problems
}

/// The engine's list, the typings' union and the reference's list of `name`
/// are the same.
fn assert_in_step(name: &str, engine: &[&str]) {
    let typings = ts_union(TYPINGS, name).unwrap_or_else(|why| panic!("{why}"));
    let reference = doc_list(REFERENCE, name).unwrap_or_else(|why| panic!("{why}"));
    let mut problems = differences(engine, &typings, "pkg-template/index.d.ts");
    problems.extend(differences(engine, &reference, "docs/reference.md"));
    assert!(problems.is_empty(), "{name}: {}", problems.join("; "));
}

fn names<T>(table: &[(&'static str, T)]) -> Vec<&'static str> {
    table.iter().map(|(name, _)| *name).collect()
}

#[test]
fn issue_codes_are_in_step() {
    let codes: Vec<&str> = IssueCode::ALL.iter().map(|c| c.as_str()).collect();
    assert_in_step("ValidationIssueCode", &codes);
}

#[test]
fn error_codes_are_in_step() {
    let codes: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    assert_in_step("ContiguityErrorCode", &codes);
}

#[test]
fn tapbacks_and_actions_are_in_step() {
    assert_in_step("Tapback", &names(&TAPBACKS));
    assert_in_step("ReactAction", &names(&REACT_ACTIONS));
    assert_in_step("TypingAction", &names(&TYPING_ACTIONS));
    assert_in_step("FallbackWhen", &names(&FALLBACK_WHEN));
}

/// The engine's table holds the types whose `data` it checks; the typings
/// add the `identity.*` family; the reference lists both.
#[test]
fn webhook_event_types_are_in_step() {
    let checked = names(&EVENT_TYPES);
    assert!(
        !checked.iter().any(|t| t.starts_with(IDENTITY_PREFIX)),
        "the engine's table is not expected to hold identity.* types: {checked:?}"
    );
    let typings = ts_union(TYPINGS, "WebhookEventType").unwrap_or_else(|why| panic!("{why}"));
    let (identity, documented): (Vec<String>, Vec<String>) = typings
        .into_iter()
        .partition(|t| t.starts_with(IDENTITY_PREFIX));
    assert!(!identity.is_empty(), "the typings list no identity.* type");
    let problems = differences(&checked, &documented, "pkg-template/index.d.ts");
    assert!(
        problems.is_empty(),
        "WebhookEventType: {}",
        problems.join("; ")
    );

    let all: Vec<&str> = checked
        .iter()
        .copied()
        .chain(identity.iter().map(String::as_str))
        .collect();
    assert_in_step("WebhookEventType", &all);
}

#[test]
fn every_marked_list_is_checked() {
    for line in REFERENCE.lines() {
        if let Some(rest) = line.strip_prefix("<!-- list: ") {
            let name = rest.strip_suffix(" -->").unwrap_or(rest);
            assert!(
                LISTS.contains(&name),
                "docs/reference.md marks a list this test does not know: {line:?}"
            );
        }
    }
    for name in LISTS {
        doc_list(REFERENCE, name).unwrap_or_else(|why| panic!("{why}"));
    }
}

// The readers and the comparison themselves, on small inputs: a test that
// could not see a difference would prove nothing.

#[test]
fn a_value_on_one_side_only_is_a_difference_either_way() {
    let engine = ["add", "remove"];
    let same = vec!["remove".to_owned(), "add".to_owned()];
    assert!(differences(&engine, &same, "x").is_empty());
    let extra = vec!["add".to_owned(), "remove".to_owned(), "toggle".to_owned()];
    assert_eq!(
        differences(&engine, &extra, "x"),
        ["x has \"toggle\", which the engine does not"]
    );
    let missing = vec!["add".to_owned()];
    assert_eq!(differences(&engine, &missing, "x"), ["x lacks \"remove\""]);
    let twice = vec!["add".to_owned(), "remove".to_owned(), "add".to_owned()];
    assert_eq!(differences(&engine, &twice, "x"), ["x lists \"add\" twice"]);
}

#[test]
fn the_typings_reader_takes_plain_literal_unions_only() {
    let ts =
        "export type A = 'x' | 'y';\nexport type B =\n  | 'p'\n  | 'q';\nexport type AB = 'z';\n";
    assert_eq!(ts_union(ts, "A").unwrap(), ["x", "y"]);
    assert_eq!(ts_union(ts, "B").unwrap(), ["p", "q"]);
    assert!(ts_union(ts, "C").is_err());
    assert!(ts_union("export type A = 'x' | string;", "A").is_err());
    assert!(ts_union("export type A = 'x' | \"y\";", "A").is_err());
    assert!(ts_union("export type A = 'x'", "A").is_err());
    assert!(ts_union("export type A = 'x';\nexport type A = 'y';", "A").is_err());
}

#[test]
fn the_reference_reader_takes_a_marked_run_of_items_only() {
    let md = "Text.\n\n<!-- list: A -->\n- `x`: what x is,\n  on two lines.\n- `y`\n\nMore text.\n";
    assert_eq!(doc_list(md, "A").unwrap(), ["x", "y"]);
    assert!(doc_list(md, "B").is_err());
    assert!(doc_list("<!-- list: A -->\n\n- `x`\n", "A").is_err());
    assert!(doc_list("<!-- list: A -->\n- x\n", "A").is_err());
    assert!(doc_list("<!-- list: A -->\n- `x`\nmore\n", "A").is_err());
    assert!(doc_list("<!-- list: A -->\n- `x`\n\n<!-- list: A -->\n- `y`\n", "A").is_err());
}
