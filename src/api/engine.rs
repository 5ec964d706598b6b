//! Hooks into the GraphQL engine that the schema builder installs.
//!
//! - [`DepthLimit`]: async-graphql's own `limit_depth` counts the nesting of introspection too,
//!   and the standard introspection query of graphql-js 16 (`__schema { types { fields { args
//!   { type { ofType × 8 } } } } }`) is 13 fields deep. Tools that read the schema from the URL
//!   (GraphiQL, Rover, codegen) then fail. This limit exempts operations made only of
//!   introspection root fields; every other operation keeps the bound. Introspection stays
//!   bounded by the engine's recursion limit (32 levels of selection sets) and by the finite
//!   size of the schema.
//! - [`QueryLimits`]: the cost of an operation, counted on the parsed document before the
//!   engine validates it (validation itself walks every fragment spread, so a fragment bomb —
//!   `fragment F1 on Query { ...F0 ...F0 }` … `F20` — costs exponential time there). Each
//!   fragment's cost is computed once and reused (memoised), so counting is linear in the size
//!   of the document whatever the expansion; fragment cycles are refused here too. See
//!   [`cost`] for the model. Also capped: aliases per document, directives per document (the
//!   engine reports each repeated one, so 50,000 of them built a 900 KB error list before the
//!   response cap refused it), root fields per operation,
//!   and a mutation runs one root field (one write, one `logIn`) per request. Refusals are
//!   request errors with code `QUERY_TOO_COMPLEX`.
//! - [`ExecutionStarted`]: a per-request flag set when execution begins, so the HTTP layer can
//!   tell a request error (parse, validation, variable coercion: the GraphQL spec says such a
//!   response has no `data` entry) from an execution that produced `data: null`, without
//!   matching error messages.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextValidation,
};
use std::collections::HashMap;

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, Field, OperationType, Selection, SelectionSet,
};
use async_graphql::{Name, Response, ServerError, ServerResult, ValidationResult, Variables};

/// Root fields that only read the schema itself.
const INTROSPECTION_ROOT_FIELDS: [&str; 3] = ["__schema", "__type", "__typename"];

/// Refuses operations nested deeper than `max` fields, except pure introspection.
pub struct DepthLimit {
    pub max: usize,
}

impl ExtensionFactory for DepthLimit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(DepthLimitRequest {
            max: self.max,
            introspection_only: AtomicBool::new(false),
        })
    }
}

/// One request's state: whether its document holds introspection only.
struct DepthLimitRequest {
    max: usize,
    introspection_only: AtomicBool,
}

#[async_trait::async_trait]
impl Extension for DepthLimitRequest {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        self.introspection_only
            .store(is_introspection_only(&document), Ordering::Relaxed);
        Ok(document)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        // The engine measures the depth (fields only, fragments inlined) while validating.
        let result = next.run(ctx).await?;
        if result.depth > self.max && !self.introspection_only.load(Ordering::Relaxed) {
            let mut error = ServerError::new(
                format!(
                    "Query is nested too deep: {} levels of fields, at most {} are allowed.",
                    result.depth, self.max
                ),
                None,
            );
            error
                .extensions
                .get_or_insert_with(Default::default)
                .set("code", "GRAPHQL_VALIDATION_FAILED");
            return Err(vec![error]);
        }
        Ok(result)
    }
}

/// Whether every operation of `document` selects introspection root fields only, directly
/// (a fragment at the root is not exempt: it keeps the rule simple to audit).
fn is_introspection_only(document: &ExecutableDocument) -> bool {
    let mut operations: Box<dyn Iterator<Item = _>> = match &document.operations {
        DocumentOperations::Single(op) => Box::new(std::iter::once(op)),
        DocumentOperations::Multiple(map) => Box::new(map.values()),
    };
    operations.all(|op| {
        op.node.selection_set.node.items.iter().all(|item| {
            matches!(&item.node, Selection::Field(field)
                if INTROSPECTION_ROOT_FIELDS.contains(&field.node.name.node.as_str()))
        })
    })
}

/// The operation a request runs: its only one, or the one it names (None when it names none
/// of several, or one it lacks: the engine says so in GraphQL terms).
pub fn chosen_operation<'a>(
    operations: &'a DocumentOperations,
    name: Option<&str>,
) -> Option<&'a async_graphql::Positioned<async_graphql::parser::types::OperationDefinition>> {
    match (operations, name) {
        (DocumentOperations::Single(op), _) => Some(op),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values().next(),
        (DocumentOperations::Multiple(_), None) => None,
    }
}

/// Bounds on one GraphQL document (see the module comment and [`cost`]).
#[derive(Debug, Clone, Copy)]
pub struct QueryLimits {
    /// The largest cost of an operation.
    pub max_cost: u64,
    /// The most aliases in a document.
    pub max_aliases: usize,
    /// The most root fields of a query (a mutation always runs one).
    pub max_root_fields: usize,
    /// The most searches and rankings of an operation ([`SEARCHES`]).
    pub max_searches: usize,
    /// The longest document in bytes (see [`document_too_large`]).
    pub max_document_bytes: usize,
}

/// The refusal (QUERY_TOO_LARGE) of a document longer than `max` bytes, checked before it is
/// parsed: the parser takes microseconds per byte on an async worker, so a few documents of a
/// megabyte (well within the body limit, which is sized for variables) stalled every client.
/// The transports check it before their own look at the operation, the engine again for any
/// other way in.
pub fn document_too_large(query: &str, max: usize) -> Option<ServerError> {
    (query.len() > max).then(|| {
        refusal(
            "QUERY_TOO_LARGE",
            format!(
                "the GraphQL document is {} bytes; at most {max} are read: send values as \
                 variables, not in the document",
                query.len()
            ),
        )
    })
}

impl ExtensionFactory for QueryLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(*self)
    }
}

#[async_trait::async_trait]
impl Extension for QueryLimits {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        if let Some(refused) = document_too_large(query, self.max_document_bytes) {
            return Err(refused);
        }
        // Checked before `next`: the engine's own parse step walks every fragment spread to
        // check its recursion depth, which is already exponential for a fragment bomb. Parsing
        // is linear, so parsing twice costs little; a document that does not parse is left to
        // the engine, which reports it in its own words.
        if let Ok(document) = async_graphql::parser::parse_query(query) {
            self.check(&document, variables).map_err(|message| {
                // A cycle is a validation failure in the spec's terms, not a cost.
                let code = if message.contains("spreads itself") {
                    "GRAPHQL_VALIDATION_FAILED"
                } else {
                    "QUERY_TOO_COMPLEX"
                };
                refusal(code, message)
            })?;
        }
        next.run(ctx, query, variables).await
    }
}

fn refusal(code: &str, message: String) -> ServerError {
    let mut error = ServerError::new(message, None);
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", code);
    error
}

/// Root fields that only read the schema or name the type; free and never counted as work.
fn is_meta(name: &str) -> bool {
    name.starts_with("__")
}

/// Extra cost of fields that do real work, on top of 1 per field: ranking scores every
/// published profile, search runs the index, log-in and sign-up hash a password, every
/// mutation writes and waits until its change is searchable; a search hit's highlights read
/// and analyse its stored texts again, up to 5,000 characters in each of six (QA: 20 aliases
/// of 80 hits with highlights, on profiles filled to the limit, held both cores for 10 s
/// within the cost bound).
fn field_weight(name: &str, root_of: Option<OperationType>) -> u64 {
    match (root_of, name) {
        (None, "highlights") => 10,
        (Some(OperationType::Mutation), "logIn" | "signUp" | "changePassword") => 200,
        (Some(OperationType::Mutation), _) => 50,
        (_, "matchesForSme" | "matchesForInvestor") => 50,
        (_, "searchSmes" | "searchInvestors") => 20,
        _ => 0,
    }
}

/// The largest page any list serves (`service::profiles::MAX_PAGE_SIZE`,
/// `service::matching::MAX_MATCHES`).
const LARGEST_PAGE: u64 = 100;

/// Lists that take `first`, and their page size when it is absent.
fn default_page(name: &str) -> Option<u64> {
    match name {
        "smes" | "investors" | "searchSmes" | "searchInvestors" | "matchesForSme"
        | "matchesForInvestor" | "pipeline" | "myIntroductions" => Some(20),
        _ => None,
    }
}

/// How many times a field's selection runs: its `first` or `last` (a literal or a variable),
/// else its default page size, else once. Values out of range are counted at the largest page
/// (the resolver refuses them anyway).
fn multiplier(field: &Field, variables: &Variables) -> u64 {
    use async_graphql::Value;
    let first = field
        .arguments
        .iter()
        .find(|(name, _)| matches!(name.node.as_str(), "first" | "last"))
        .map(|(_, value)| {
            value
                .node
                .clone()
                .into_const_with(|var| {
                    Ok::<_, ()>(variables.get(&var).cloned().unwrap_or(Value::Null))
                })
                .unwrap_or(Value::Null)
        });
    match first {
        // Out of range (negative, over the largest page): counted at the largest page, so the
        // resolver's own refusal (BAD_USER_INPUT naming `first`) is what the client reads.
        Some(async_graphql::Value::Number(n)) => {
            n.as_u64().unwrap_or(LARGEST_PAGE).clamp(1, LARGEST_PAGE)
        }
        _ => default_page(field.name.node.as_str()).unwrap_or(1),
    }
}

/// Where a selection set sits, as a memo key: below the root, or at the root of which kind.
fn root_tag(root_of: Option<OperationType>) -> u8 {
    match root_of {
        None => 0,
        Some(OperationType::Query) => 1,
        Some(OperationType::Mutation) => 2,
        Some(OperationType::Subscription) => 3,
    }
}

/// Counting state: fragment costs computed so far, and fragments being counted (a cycle).
struct Counter<'a> {
    document: &'a ExecutableDocument,
    variables: &'a Variables,
    fragment_costs: HashMap<(&'a Name, u8), u64>,
    in_progress: Vec<&'a Name>,
}

impl<'a> Counter<'a> {
    /// The cost of a selection set: each field 1 plus its weight plus its selection times its
    /// multiplier; a fragment spread costs its fragment (counted once, reused at each spread).
    fn cost(
        &mut self,
        set: &'a SelectionSet,
        root_of: Option<OperationType>,
    ) -> Result<u64, String> {
        let mut total: u64 = 0;
        for item in &set.items {
            let cost = match &item.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let inner = self.cost(&field.selection_set.node, None)?;
                    1u64.saturating_add(field_weight(field.name.node.as_str(), root_of))
                        .saturating_add(inner.saturating_mul(multiplier(field, self.variables)))
                }
                Selection::InlineFragment(inline) => {
                    self.cost(&inline.node.selection_set.node, root_of)?
                }
                Selection::FragmentSpread(spread) => {
                    self.fragment(&spread.node.fragment_name.node, root_of)?
                }
            };
            total = total.saturating_add(cost);
        }
        Ok(total)
    }

    fn fragment(&mut self, name: &'a Name, root_of: Option<OperationType>) -> Result<u64, String> {
        // A fragment spread at the root of a mutation counts its fields as writes, so its cost
        // depends on where it is spread: memoised per (fragment, root or not).
        let key = (name, root_tag(root_of));
        if let Some(cost) = self.fragment_costs.get(&key) {
            return Ok(*cost);
        }
        if self.in_progress.contains(&name) {
            return Err(format!(
                "fragment `{name}` spreads itself (directly or through others)"
            ));
        }
        // An unknown fragment is left to validation, which names it properly.
        let Some(definition) = self.document.fragments.get(name) else {
            return Ok(0);
        };
        self.in_progress.push(name);
        let cost = self.cost(&definition.node.selection_set.node, root_of);
        self.in_progress.pop();
        let cost = cost?;
        self.fragment_costs.insert(key, cost);
        Ok(cost)
    }

    /// Root fields of a selection set, fragments at the root included (aliases of `__typename`
    /// and other meta fields are free).
    fn root_fields(&mut self, set: &'a SelectionSet, depth: usize) -> usize {
        self.root_fields_where(set, depth, &|name| !is_meta(name))
    }

    /// Root fields of a selection set whose name `counts`, fragments at the root included.
    fn root_fields_where(
        &mut self,
        set: &'a SelectionSet,
        depth: usize,
        counts: &dyn Fn(&str) -> bool,
    ) -> usize {
        // Cycles are refused by `cost` first; the depth bound is only a backstop.
        if depth > 64 {
            return usize::MAX / 2;
        }
        set.items
            .iter()
            .map(|item| match &item.node {
                Selection::Field(field) => usize::from(counts(field.node.name.node.as_str())),
                Selection::InlineFragment(inline) => {
                    self.root_fields_where(&inline.node.selection_set.node, depth + 1, counts)
                }
                Selection::FragmentSpread(spread) => self
                    .document
                    .fragments
                    .get(&spread.node.fragment_name.node)
                    .map_or(0, |f| {
                        self.root_fields_where(&f.node.selection_set.node, depth + 1, counts)
                    }),
            })
            .fold(0usize, usize::saturating_add)
    }
}

/// What `of` counts in every selection the document writes, in its operations and fragment
/// definitions (a fragment counts where it is written, not at each spread).
fn count_written(document: &ExecutableDocument, of: &dyn Fn(&Selection) -> usize) -> usize {
    fn walk(set: &SelectionSet, of: &dyn Fn(&Selection) -> usize) -> usize {
        set.items
            .iter()
            .map(|item| {
                let inner = match &item.node {
                    Selection::Field(f) => walk(&f.node.selection_set.node, of),
                    Selection::InlineFragment(i) => walk(&i.node.selection_set.node, of),
                    Selection::FragmentSpread(_) => 0,
                };
                of(&item.node).saturating_add(inner)
            })
            .fold(0usize, usize::saturating_add)
    }
    let operations = document
        .operations
        .iter()
        .map(|(_, op)| walk(&op.node.selection_set.node, of));
    let fragments = document
        .fragments
        .values()
        .map(|f| walk(&f.node.selection_set.node, of));
    operations.chain(fragments).fold(0, usize::saturating_add)
}

/// Aliases written in the document (each one can repeat expensive work under a new name).
fn count_aliases(document: &ExecutableDocument) -> usize {
    count_written(document, &|s| {
        usize::from(matches!(s, Selection::Field(f) if f.node.alias.is_some()))
    })
}

/// The most directives a document may carry: real operations use a few (`@include`, `@skip`,
/// `@deprecated` is schema-side), so this only stops documents built to make the engine report
/// one error per repeated directive.
pub const MAX_DIRECTIVES: usize = 100;

/// The most fragment spreads a document may write. The standard introspection query of
/// graphql-js writes 13; the cost model counts introspection lists once, so 4,900 spreads of
/// one fragment inside `__schema { types { fields { args { type …` took 4 s of CPU that no
/// deadline interrupts, and stalled everyone else (QA round 2).
pub const MAX_FRAGMENT_SPREADS: usize = 100;

/// Root fields that search the index or rank every profile, of which an operation runs at most
/// [`QueryLimits::max_searches`] (QA: 20 aliased searches of 32 words each took 1.5 s, within
/// the cost bound, and four such requests at a time, within the per-client bound, slowed every
/// other visitor's search from 0.03 s to 5 s). A page needs one or two.
const SEARCHES: [&str; 4] = [
    "searchSmes",
    "searchInvestors",
    "matchesForSme",
    "matchesForInvestor",
];

/// Introspection lists that expand a type into its members. The standard introspection query
/// expands each type once (`types { fields { args … } inputFields … }`); one nested in another
/// (`fields { type { fields { type { fields …` ) multiplies by the members of every member,
/// and introspection runs without yielding, so no deadline stops it.
const MEMBER_LISTS: [&str; 5] = [
    "fields",
    "inputFields",
    "enumValues",
    "interfaces",
    "possibleTypes",
];

/// Where an introspection walk is: at an operation's root, inside `__schema` or `__type`
/// (with or without a type's members already expanded), or in an ordinary field.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Place {
    Root,
    Introspection { members: bool },
    Data,
}

/// Bounds what introspection can be asked to build (QA: 30 aliases of `__schema`, each 7
/// levels deep, held both cores for 5 s and every other visitor waited up to 40 s; the cost
/// model counts introspection lists once): each operation selects `__schema` at most once,
/// and a type's members are expanded at most once along any path. The standard introspection
/// query of graphql-js, GraphiQL's, passes both.
struct IntrospectionWalk<'a> {
    document: &'a ExecutableDocument,
    /// Per (fragment, place): the `__schema` selections it holds, or why it is refused.
    memo: HashMap<(&'a Name, Place), Result<usize, String>>,
}

impl<'a> IntrospectionWalk<'a> {
    /// The `__schema` selections of `set` at `place`, fragments expanded (each once per place),
    /// or why it is refused. Fragment cycles were refused by [`cost`] already.
    fn walk(&mut self, set: &'a SelectionSet, place: Place) -> Result<usize, String> {
        let mut schemas = 0usize;
        for item in &set.items {
            let found = match &item.node {
                Selection::Field(field) => {
                    let name = field.node.name.node.as_str();
                    let inner = match place {
                        Place::Root if name == "__schema" || name == "__type" => {
                            Place::Introspection { members: false }
                        }
                        Place::Root | Place::Data => Place::Data,
                        Place::Introspection { members } => {
                            let expands = MEMBER_LISTS.contains(&name);
                            if members && expands {
                                return Err(format!(
                                    "Introspection expands `{name}` inside another type's members; a type's members are listed once per path (the standard introspection query does so)."
                                ));
                            }
                            Place::Introspection {
                                members: members || expands,
                            }
                        }
                    };
                    let own = usize::from(place == Place::Root && name == "__schema");
                    own + self.walk(&field.node.selection_set.node, inner)?
                }
                Selection::InlineFragment(inline) => {
                    self.walk(&inline.node.selection_set.node, place)?
                }
                Selection::FragmentSpread(spread) => {
                    let name = &spread.node.fragment_name.node;
                    if let Some(known) = self.memo.get(&(name, place)) {
                        known.clone()?
                    } else if let Some(definition) = self.document.fragments.get(name) {
                        let result = self.walk(&definition.node.selection_set.node, place);
                        self.memo.insert((name, place), result.clone());
                        result?
                    } else {
                        0
                    }
                }
            };
            schemas = schemas.saturating_add(found);
        }
        Ok(schemas)
    }
}

/// Why `document`'s introspection is refused ([`IntrospectionWalk`]), if it is.
fn introspection_problem(document: &ExecutableDocument) -> Option<String> {
    let mut walk = IntrospectionWalk {
        document,
        memo: HashMap::new(),
    };
    for (_, op) in document.operations.iter() {
        match walk.walk(&op.node.selection_set.node, Place::Root) {
            Err(why) => return Some(why),
            Ok(n) if n > 1 => {
                return Some(format!(
                "Operation selects __schema {n} times; once answers it (each is the whole schema)."
            ))
            }
            Ok(_) => {}
        }
    }
    None
}

/// Fragment spreads written in the document (each expands again wherever it is written).
fn count_spreads(document: &ExecutableDocument) -> usize {
    count_written(document, &|s| {
        usize::from(matches!(s, Selection::FragmentSpread(_)))
    })
}

/// Directives written in the document: on operations, fields, fragment spreads, inline
/// fragments and fragment definitions.
fn count_directives(document: &ExecutableDocument) -> usize {
    let on_selections = count_written(document, &|s| match s {
        Selection::Field(f) => f.node.directives.len(),
        Selection::InlineFragment(i) => i.node.directives.len(),
        Selection::FragmentSpread(s) => s.node.directives.len(),
    });
    let on_operations = document
        .operations
        .iter()
        .map(|(_, op)| op.node.directives.len());
    let on_fragments = document.fragments.values().map(|f| f.node.directives.len());
    on_operations
        .chain(on_fragments)
        .fold(on_selections, usize::saturating_add)
}

/// The cost of each operation of `document`: what [`QueryLimits`] bounds. Public for the tests
/// and for operators who want to know what a query costs.
pub fn cost(document: &ExecutableDocument, variables: &Variables) -> Result<u64, String> {
    let mut worst = 0;
    for (_, op) in document.operations.iter() {
        // A variable the request leaves out runs with its default (`query($n: Int = 100)`),
        // so it is counted at that, not as absent (which counted the list's default page).
        let mut effective = variables.clone();
        for definition in &op.node.variable_definitions {
            let name = &definition.node.name.node;
            if let (false, Some(default)) = (
                effective.contains_key(name),
                definition.node.default_value(),
            ) {
                effective.insert(name.clone(), default.clone());
            }
        }
        let mut counter = Counter {
            document,
            variables: &effective,
            fragment_costs: HashMap::new(),
            in_progress: Vec::new(),
        };
        worst = worst.max(counter.cost(&op.node.selection_set.node, Some(op.node.ty))?);
    }
    Ok(worst)
}

impl QueryLimits {
    fn check(&self, document: &ExecutableDocument, variables: &Variables) -> Result<(), String> {
        let aliases = count_aliases(document);
        if aliases > self.max_aliases {
            return Err(format!(
                "Query has {aliases} aliases; at most {} are allowed.",
                self.max_aliases
            ));
        }
        let directives = count_directives(document);
        if directives > MAX_DIRECTIVES {
            return Err(format!(
                "Query has {directives} directives; at most {MAX_DIRECTIVES} are allowed."
            ));
        }
        let spreads = count_spreads(document);
        if spreads > MAX_FRAGMENT_SPREADS {
            return Err(format!(
                "Query has {spreads} fragment spreads; at most {MAX_FRAGMENT_SPREADS} are allowed."
            ));
        }
        let cost = cost(document, variables)?;
        if cost > self.max_cost {
            return Err(format!(
                "Query is too complex: it costs {cost}, at most {} is allowed (each field counts \
                 1, lists count their `first` times their selection, fragments count at each \
                 spread, ranking, search and writes count more).",
                self.max_cost
            ));
        }
        if let Some(why) = introspection_problem(document) {
            return Err(why);
        }
        let mut counter = Counter {
            document,
            variables,
            fragment_costs: HashMap::new(),
            in_progress: Vec::new(),
        };
        for (_, op) in document.operations.iter() {
            let searches = counter.root_fields_where(&op.node.selection_set.node, 0, &|name| {
                SEARCHES.contains(&name)
            });
            if searches > self.max_searches && searches < usize::MAX / 2 {
                return Err(format!(
                    "Operation runs {searches} searches or rankings; at most {} are allowed \
                     in one request.",
                    self.max_searches
                ));
            }
            let roots = counter.root_fields(&op.node.selection_set.node, 0);
            match op.node.ty {
                OperationType::Mutation if roots > 1 => {
                    return Err(format!(
                        "A mutation runs one root field per request (one write, one logIn); \
                         this one has {roots}."
                    ))
                }
                // The walk's backstop (fragments within fragments more than 64 deep), said
                // as what it is rather than as a count (QA: "9223372036854775807 root fields").
                _ if roots >= usize::MAX / 2 => {
                    return Err(
                        "Query nests fragments within fragments more than 64 levels deep.".into(),
                    )
                }
                _ if roots > self.max_root_fields => {
                    return Err(format!(
                        "Operation has {roots} root fields; at most {} are allowed.",
                        self.max_root_fields
                    ))
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// Request data: set once the operation starts executing (see the module comment).
#[derive(Clone, Default)]
pub struct ExecutionStarted(Arc<AtomicBool>);

impl ExecutionStarted {
    pub fn get(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// Sets [`ExecutionStarted`] when the request carries one.
pub struct TrackExecution;

impl ExtensionFactory for TrackExecution {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(TrackExecution)
    }
}

#[async_trait::async_trait]
impl Extension for TrackExecution {
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        if let Some(flag) = ctx.data_opt::<ExecutionStarted>() {
            flag.0.store(true, Ordering::Relaxed);
        }
        next.run(ctx, operation_name).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    fn bomb(n: usize) -> String {
        let mut q = String::from("query { ...F20 } fragment F0 on Query { __typename }");
        for i in 1..=n {
            q.push_str(&format!(
                " fragment F{i} on Query {{ ...F{p} ...F{p} }}",
                p = i - 1
            ));
        }
        q
    }

    #[test]
    fn directives_are_counted_everywhere() {
        let q =
            "query Q @a { x @b { y @c } ...F @d ... on Q @e { z } } fragment F on Q @f { w @g }";
        assert_eq!(count_directives(&parse_query(q).unwrap()), 7);
        let many = format!(
            "{{ provinces {} {{ code }} }}",
            "@include(if: true) ".repeat(5000)
        );
        let started = std::time::Instant::now();
        assert_eq!(count_directives(&parse_query(many).unwrap()), 5000);
        assert!(started.elapsed() < std::time::Duration::from_millis(500));
    }

    #[test]
    fn fragments_count_at_each_spread_in_linear_time() {
        let started = std::time::Instant::now();
        let c = cost(&parse_query(bomb(20)).unwrap(), &Variables::default()).unwrap();
        assert_eq!(c, 1 << 20);
        assert!(started.elapsed() < std::time::Duration::from_millis(100));
    }

    #[test]
    fn the_largest_page_is_the_services() {
        assert_eq!(LARGEST_PAGE, crate::service::profiles::MAX_PAGE_SIZE as u64);
        assert_eq!(LARGEST_PAGE, crate::service::matching::MAX_MATCHES as u64);
    }

    #[test]
    fn lists_count_by_first_and_cycles_are_refused() {
        let v = Variables::from_json(serde_json::json!({ "n": 50 }));
        let c = |q: &str| cost(&parse_query(q).unwrap(), &v);
        assert_eq!(
            c("{ smes(first: 10) { edges { node { id } } } }").unwrap(),
            1 + 10 * 3
        );
        assert_eq!(
            c("query { smes(first: $n) { totalCount } }").unwrap(),
            1 + 50
        );
        assert_eq!(c("{ smes { totalCount } }").unwrap(), 1 + 20);
        // A default the request does not override is what runs, so what counts.
        assert_eq!(
            c("query($m: Int = 100) { smes(first: $m) { totalCount } }").unwrap(),
            1 + 100
        );
        assert_eq!(
            c("query($n: Int = 100) { smes(first: $n) { totalCount } }").unwrap(),
            1 + 50
        );
        // Highlights weigh what reading a hit's texts again costs.
        assert_eq!(
            c("{ searchSmes(query: \"x\", first: 80) { edges { highlights { snippet } } } }")
                .unwrap(),
            1 + 20 + 80 * (1 + 1 + 10 + 1)
        );
        assert!(c("{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }").is_err());
        let limits = QueryLimits {
            max_cost: 10_000,
            max_aliases: 2,
            max_root_fields: 3,
            max_searches: 5,
            max_document_bytes: 1000,
        };
        let check = |q: &str| limits.check(&parse_query(q).unwrap(), &v);
        assert!(check("{ a: me { id } b: me { id } c: me { id } }").is_err());
        assert!(
            check("{ me { id } provinces { code } sectors { code } smes { totalCount } }").is_err()
        );
        assert!(check("mutation { logOut __typename }").is_ok());
        assert!(check("mutation { logOut ...M } fragment M on Mutation { logOut }").is_err());
        let long = format!("{{ __typename }} #{}", "x".repeat(1000));
        let refused = document_too_large(&long, limits.max_document_bytes).expect("refused");
        assert!(
            refused.message.contains("1016 bytes"),
            "{}",
            refused.message
        );
        assert!(document_too_large("{ __typename }", limits.max_document_bytes).is_none());
    }

    #[test]
    fn introspection_is_asked_once_and_expands_a_type_once() {
        let problem = |q: &str| introspection_problem(&parse_query(q).unwrap());
        // GraphiQL's query (graphql-js 16's getIntrospectionQuery, in its shape).
        let standard = "query IntrospectionQuery { __schema { queryType { name } \
            mutationType { name } subscriptionType { name } types { ...FullType } \
            directives { name description locations args { ...InputValue } } } } \
            fragment FullType on __Type { kind name description \
            fields(includeDeprecated: true) { name description args { ...InputValue } \
            type { ...TypeRef } isDeprecated deprecationReason } \
            inputFields { ...InputValue } interfaces { ...TypeRef } \
            enumValues(includeDeprecated: true) { name description isDeprecated \
            deprecationReason } possibleTypes { ...TypeRef } } \
            fragment InputValue on __InputValue { name description type { ...TypeRef } \
            defaultValue } \
            fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name \
            ofType { kind name ofType { kind name ofType { kind name ofType { kind name \
            ofType { kind name ofType { kind name } } } } } } } } }";
        assert_eq!(problem(standard), None);
        assert_eq!(
            problem("{ __type(name: \"Sme\") { fields { name type { name } } } __typename }"),
            None
        );
        // QA: 30 aliases of __schema; and fields within fields.
        let many: String = (0..30)
            .map(|i| format!("a{i}: __schema {{ types {{ name }} }} "))
            .collect();
        assert_eq!(
            problem(&format!("{{ {many} }}")).as_deref(),
            Some(
                "Operation selects __schema 30 times; once answers it (each is the whole schema)."
            )
        );
        assert!(problem(
            "{ ...A ...B } fragment A on Query { __schema { description } } \
             fragment B on Query { __schema { description } }"
        )
        .is_some());
        assert!(
            problem("{ __schema { types { fields { type { fields { name } } } } } }")
                .is_some_and(|w| w.contains("`fields`"))
        );
        assert!(problem(
            "{ __type(name: \"Sme\") { fields { type { ...T } } } } \
             fragment T on __Type { interfaces { name } }"
        )
        .is_some());
        // A data field named like a member list is data.
        assert_eq!(
            problem("{ smes { nodes { id } } __schema { description } }"),
            None
        );
    }

    #[test]
    fn only_pure_introspection_is_exempt() {
        let exempt = |q: &str| is_introspection_only(&parse_query(q).unwrap());
        assert!(exempt("{ __schema { types { name } } }"));
        assert!(exempt(
            "query A { __type(name: \"Sme\") { name } __typename }"
        ));
        assert!(!exempt(
            "{ __schema { types { name } } smes { totalCount } }"
        ));
        assert!(!exempt(
            "{ ...F } fragment F on Query { __schema { description } }"
        ));
        assert!(!exempt(
            "query A { __typename } query B { smes { totalCount } }"
        ));
    }
}
