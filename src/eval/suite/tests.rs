use std::path::Path;

use pretty_assertions::assert_eq;
use serde_json::json;

use super::*;

/// The example of the issue, word for word.
const EXAMPLE: &str = r#"
columns = ["openai/gpt-4o-mini", "ollama:llama3.2:3b", ["openai/gpt-4o", "google/gemini-2.5-flash"], "router:saver"]  # an inner list is a fallback chain
[defaults]            # system, temperature, max_tokens, repeat, and provider preferences as in the config file
temperature = 0
max_tokens = 300
[[checks]]            # applies to every case
type = "max_total_ms"
value = 20000
[[cases]]
id = "refund"                        # optional; defaults to case-1, case-2, ...
prompt = "A customer asks for a refund on {{item}}. Reply in one sentence."
vars = { item = "a broken kettle" }  # optional: {{name}} in the prompt is filled from vars
[[cases.checks]]
type = "icontains"
value = "refund"
"#;

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

fn load(text: &str) -> Result<LoadedSuite, SuiteError> {
    let dir = tempfile::tempdir().expect("dir");
    let path = write(dir.path(), "suite.toml", text);
    Suite::load(&path)
}

#[test]
fn the_issue_example_parses() {
    let loaded = load(EXAMPLE).expect("valid");
    let suite = &loaded.suite;
    assert_eq!(
        suite.columns,
        vec![
            ColumnDef::One("openai/gpt-4o-mini".into()),
            ColumnDef::One("ollama:llama3.2:3b".into()),
            ColumnDef::Chain(vec![
                "openai/gpt-4o".into(),
                "google/gemini-2.5-flash".into()
            ]),
            ColumnDef::One("router:saver".into()),
        ]
    );
    assert_eq!(suite.column_lines, vec![2, 2, 2, 2]);
    assert_eq!(
        suite.column_labels()[2],
        "openai/gpt-4o,google/gemini-2.5-flash"
    );
    assert_eq!(suite.defaults.temperature, Some(0.0));
    assert_eq!(suite.defaults.max_tokens, Some(300));
    assert_eq!(suite.defaults.repeat, 1);
    let case = &suite.cases[0];
    assert_eq!(case.id, "refund");
    assert_eq!(
        case.prompt,
        "A customer asks for a refund on a broken kettle. Reply in one sentence."
    );
    assert_eq!(
        serde_json::to_value(&case.checks).expect("json"),
        json!([{"type": "max_total_ms", "value": 20000}, {"type": "icontains", "value": "refund"}])
    );
    assert_eq!(loaded.checks[0].len(), 2);
    assert_eq!(suite.cells(), 4);
}

#[test]
fn cases_from_jsonl_and_csv_beside_the_suite() {
    let dir = tempfile::tempdir().expect("dir");
    write(
        dir.path(),
        "cases.jsonl",
        "{\"id\": \"a\", \"prompt\": \"Capital of {{c}}?\", \"vars\": {\"c\": \"France\", \"want\": \"Paris\"}}\n\n{\"prompt\": \"Say hi\", \"checks\": [{\"type\": \"equals\", \"value\": \"hi\"}]}\n",
    );
    write(dir.path(), "schema.json", r#"{"type": "object"}"#);
    let suite_path = write(
        dir.path(),
        "suite.toml",
        "columns = [\"m/one\"]\ncases_file = \"cases.jsonl\"\n[defaults]\nrepeat = 3\nsort = \"price\"\n[[cases]]\nprompt = \"inline first\"\n[[cases.checks]]\ntype = \"json_schema\"\nfile = \"schema.json\"\n",
    );
    let loaded = Suite::load(&suite_path).expect("valid");
    let ids: Vec<&str> = loaded.suite.cases.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["case-1", "a", "case-3"]);
    assert_eq!(loaded.suite.cases[1].prompt, "Capital of France?");
    assert_eq!(
        loaded.suite.cases[0].checks,
        vec![CheckSpec::JsonSchema(json!({"type": "object"}))]
    );
    assert_eq!(
        loaded.suite.defaults.preferences.sort,
        Some(crate::router::ProviderSort::Price)
    );
    assert_eq!(loaded.suite.cells(), 9);

    write(
        dir.path(),
        "cases.csv",
        "id,prompt,answer\nq1,\"What is 2+2? Answer with a number, nothing else.\",4\n,\"Multi\nline\",x\n",
    );
    let suite_path = write(
        dir.path(),
        "csv.toml",
        "columns = [\"m/one\"]\ncases_file = \"cases.csv\"\n[[checks]]\ntype = \"contains\"\nvalue = \"{{answer}}\"\n",
    );
    let loaded = Suite::load(&suite_path).expect("valid");
    let cases = &loaded.suite.cases;
    assert_eq!(cases[0].id, "q1");
    assert_eq!(cases[0].vars["answer"], "4");
    assert_eq!(cases[0].checks, vec![CheckSpec::Contains("4".into())]);
    assert_eq!(cases[1].id, "case-2");
    assert_eq!(cases[1].prompt, "Multi\nline");
}

#[test]
fn a_journal_copy_compiles_back() {
    let loaded = load(EXAMPLE).expect("valid");
    let json = serde_json::to_string(&loaded.suite).expect("json");
    let back: Suite = serde_json::from_str(&json).expect("parses");
    assert_eq!(back.cases, loaded.suite.cases);
    let compiled = LoadedSuite::from_suite(back).expect("compiles");
    assert_eq!(compiled.checks[0].len(), 2);
}

/// Each malformed suite, with the line and field its error names.
#[test]
fn every_error_names_its_line_and_field() {
    let base = "columns = [\"m/a\"]\n";
    let case = "[[cases]]\nprompt = \"hi\"\n";
    let table: Vec<(String, Option<usize>, &str, &str)> = vec![
        ("columns = [\"m/a\"\n".into(), Some(1), "", "not valid TOML"),
        (case.to_string(), None, "columns", "missing"),
        (
            format!("columns = []\n{case}"),
            Some(1),
            "columns",
            "names no model",
        ),
        (
            format!("columns = [\"m/a\", 3]\n{case}"),
            Some(1),
            "columns[2]",
            "expected a model",
        ),
        (
            format!("columns = [\"m/a\", \"m/a\"]\n{case}"),
            Some(1),
            "columns[2]",
            "listed twice",
        ),
        (
            format!("columns = [[]]\n{case}"),
            Some(1),
            "columns[1]",
            "names no model",
        ),
        (
            format!("{base}colums = 1\n{case}"),
            Some(2),
            "colums",
            "unknown field",
        ),
        (
            format!("{base}[defaults]\ntemperature = 3\n{case}"),
            Some(3),
            "defaults.temperature",
            "not from 0 to 2",
        ),
        (
            format!("{base}[defaults]\nrepeat = 0\n{case}"),
            Some(3),
            "defaults.repeat",
            "out of range",
        ),
        (
            format!("{base}[defaults]\nmax_tokens = \"a lot\"\n{case}"),
            Some(3),
            "defaults.max_tokens",
            "expected an integer",
        ),
        (
            format!("{base}[defaults]\nsort = \"cheapest\"\n{case}"),
            Some(3),
            "defaults",
            "provider preferences",
        ),
        (
            format!("{base}[defaults]\ntemprature = 1\n{case}"),
            Some(3),
            "defaults.temprature",
            "did you mean 'temperature'",
        ),
        (base.into(), None, "cases", "no cases"),
        (
            format!("{base}[[cases]]\nid = \"x\"\n"),
            Some(2),
            "cases[1].prompt",
            "missing",
        ),
        (
            format!("{base}[[cases]]\nprompt = \"  \"\n"),
            Some(3),
            "cases[1].prompt",
            "is empty",
        ),
        (
            format!("{base}[[cases]]\nprompt = \"hi {{{{who}}}}\"\n"),
            Some(3),
            "cases[1].prompt",
            "{{who}} has no value",
        ),
        (
            format!("{base}{case}id = \"a\"\n[[cases]]\nid = \"a\"\nprompt = \"x\"\n"),
            Some(5),
            "cases[2].id",
            "used by another case",
        ),
        (
            format!("{base}{case}[[cases.checks]]\ntype = \"contain\"\nvalue = \"x\"\n"),
            Some(5),
            "cases[1].checks[1].type",
            "did you mean 'contains'",
        ),
        (
            format!("{base}{case}[[cases.checks]]\ntype = \"regex\"\nvalue = \"(\"\n"),
            Some(6),
            "cases[1].checks[1].value",
            "not a valid regex",
        ),
        (
            format!("{base}{case}[[cases.checks]]\ntype = \"contains\"\n"),
            Some(4),
            "cases[1].checks[1].value",
            "missing",
        ),
        (
            format!("{base}{case}[[cases.checks]]\ntype = \"max_ttft_ms\"\nvalue = -1\n"),
            Some(6),
            "cases[1].checks[1].value",
            "out of range",
        ),
        (
            format!(
                "{base}{case}[[cases.checks]]\ntype = \"json_schema\"\nvalue = {{ type = 5 }}\n"
            ),
            Some(6),
            "cases[1].checks[1].value",
            "not a valid JSON Schema",
        ),
        (
            format!("{base}{case}[[cases.checks]]\ntype = \"json_schema\"\nfile = \"nope.json\"\n"),
            Some(6),
            "cases[1].checks[1].file",
            "cannot read",
        ),
        (
            format!("{base}{case}[[cases.checks]]\ntype = \"max_cost_usd\"\nvalue = -0.5\n"),
            Some(6),
            "cases[1].checks[1].value",
            "-0.5: must be a number from 0 to 1000000 (USD)",
        ),
        (
            format!("{base}{case}[[cases.checks]]\ntype = \"max_cost_usd\"\nvalue = 1e12\n"),
            Some(6),
            "cases[1].checks[1].value",
            "must be a number from 0 to 1000000 (USD)",
        ),
        (
            format!("{base}{case}[[cases.checks]]\ntype = \"max_cost_usd\"\nvalue = nan\n"),
            Some(6),
            "cases[1].checks[1].value",
            "not a finite number",
        ),
        (
            format!("{base}[defaults]\nmax_price = {{ prompt = -1 }}\n{case}"),
            Some(3),
            "defaults.max_price.prompt",
            "-1: must be a number from 0 to 1000000 (USD)",
        ),
        (
            format!("{base}{case}[[cases.checks]]\ntype = \"is_json\"\nvalue = true\n"),
            Some(6),
            "cases[1].checks[1].value",
            "takes no value",
        ),
        (
            format!("{base}[[checks]]\ntype = \"contains\"\nvalue = \"{{{{want}}}}\"\n{case}"),
            Some(4),
            "checks[1].value",
            "{{want}} has no value",
        ),
        (
            format!("{base}cases_file = \"cases.txt\"\n"),
            Some(2),
            "cases_file",
            ".jsonl or a .csv",
        ),
        (
            format!("{base}cases_file = \"missing.jsonl\"\n"),
            Some(2),
            "cases_file",
            "cannot read",
        ),
    ];
    for (text, line, field, message) in table {
        let err = load(&text).expect_err(&text);
        assert_eq!(
            (err.line, err.field.as_deref().unwrap_or("")),
            (line, field),
            "{text}\n{err}"
        );
        assert!(err.message.contains(message), "{text}\n{err}");
        assert!(err.to_string().contains("suite.toml"), "{err}");
    }
}

#[test]
fn errors_in_cases_files_name_that_file_and_line() {
    let dir = tempfile::tempdir().expect("dir");
    let suite = |file: &str| {
        write(
            dir.path(),
            "suite.toml",
            &format!("columns = [\"m/a\"]\ncases_file = \"{file}\"\n"),
        )
    };
    write(
        dir.path(),
        "bad.jsonl",
        "{\"prompt\": \"ok\"}\n{\"prompt\": 5}\n",
    );
    let err = Suite::load(&suite("bad.jsonl")).expect_err("invalid");
    assert_eq!(
        (err.line, err.field.as_deref()),
        (Some(2), Some("prompt")),
        "{err}"
    );
    assert!(
        err.to_string().starts_with(&format!(
            "{}:2: prompt:",
            dir.path().join("bad.jsonl").display()
        )),
        "{err}"
    );

    write(
        dir.path(),
        "torn.jsonl",
        "{\"prompt\": \"ok\"}\n{\"prompt\": \n",
    );
    let err = Suite::load(&suite("torn.jsonl")).expect_err("invalid");
    assert_eq!(err.line, Some(2), "{err}");

    write(dir.path(), "noprompt.csv", "id,question\n1,hi\n");
    let err = Suite::load(&suite("noprompt.csv")).expect_err("invalid");
    assert_eq!(
        (err.line, err.message.as_str()),
        (Some(1), "the header has no 'prompt' column")
    );

    write(dir.path(), "ragged.csv", "prompt,x\nhi,1\nthere\n");
    let err = Suite::load(&suite("ragged.csv")).expect_err("invalid");
    assert_eq!(err.line, Some(3), "{err}");

    write(dir.path(), "dup.csv", "id,prompt\na,one\na,two\n");
    let err = Suite::load(&suite("dup.csv")).expect_err("invalid");
    assert_eq!(
        (err.line, err.field.as_deref()),
        (Some(3), Some("id")),
        "{err}"
    );
}

/// The README's suite example, as written, with the files it names.
#[test]
fn the_readme_example_is_a_valid_suite() {
    let readme = include_str!("../../../README.md");
    let start = readme.find("### The suite file").expect("section");
    let block = &readme[start..];
    let open = block.find("```toml\n").expect("a toml block") + "```toml\n".len();
    let close = block[open..].find("```").expect("closed");
    let dir = tempfile::tempdir().expect("dir");
    write(
        dir.path(),
        "cases.jsonl",
        "{\"prompt\": \"from the file\"}\n",
    );
    write(dir.path(), "order.schema.json", "{\"type\": \"object\"}");
    let path = write(dir.path(), "suite.toml", &block[open..open + close]);
    let loaded = Suite::load(&path).expect("the README's suite loads");
    assert_eq!(loaded.suite.columns.len(), 4);
    assert_eq!(loaded.suite.defaults.repeat, 3);
    assert_eq!(loaded.suite.cases.len(), 3);
    assert_eq!(
        loaded.suite.cases[1].system.as_deref(),
        Some("Answer with JSON only.")
    );
}
