public import Logging
public import Postgres

/// Every store of kaohe over one pool, built once by the composition root (`Daemon.serve`, or
/// `AppDependencies(client:…)` in a test) and handed to each controller, job and page as
/// the stores it uses — as hummingbird-examples builds its repository once and hands it to
/// `TodoController(repository:)`. One `FilingStore` means one `FilingBatcher`: filings from every
/// route are written in the same batches.
public struct Stores: Sendable {
    /// Accounts and API tokens.
    public let accounts: AccountStore
    /// Browser sessions of the dashboard.
    public let sessions: WebSessionStore
    /// Counties, committees, departments, units, reviewers.
    public let registry: RegistryStore
    /// Each year's holiday notice (工作日历) per county.
    public let calendars: CalendarStore
    /// Cycles, their steps and enrolment.
    public let cycles: CycleStore
    /// Each cycle's policy (考核政策), versioned.
    public let policies: CyclePolicyStore
    /// Self-assessments, assessments and rosters.
    public let filings: FilingStore
    /// The spot check: freeze, draw, reviewers.
    public let spotCheck: SpotCheckStore
    /// Re-checks, grading, publicity, objections, appeals.
    public let grading: GradingStore
    /// The monitor document and its CSV.
    public let monitor: MonitorStore
    /// A county's history across cycles.
    public let history: CountyHistoryStore
    /// Staff across cycles: transfers, a person's years, the flags their results raise.
    public let staff: StaffHistoryStore
    /// What the dashboard's pages read.
    public let dashboard: DashboardStore
    /// Idempotency keys of API writes.
    public let idempotency: IdempotencyStore
    /// Scheduled runs: what the jobs do, exactly once.
    public let scheduledRuns: ScheduledRunStore
    /// Schema migrations (readiness).
    public let migrations: MigrationRunner

    /// Builds every store on `client`; `sessionPolicy` sets the dashboard's session rules, `clock`
    /// what "today" is (the database's, unless a test stands on a day of its own).
    public init(
        client: PostgresClient,
        migrations: [Migration],
        sessionPolicy: WebSessionPolicy = .init(),
        clock: StoreClock = .database,
        logger: Logger
    ) {
        accounts = AccountStore(client: client)
        sessions = WebSessionStore(client: client, policy: sessionPolicy)
        registry = RegistryStore(client: client)
        calendars = CalendarStore(client: client)
        cycles = CycleStore(client: client)
        policies = CyclePolicyStore(client: client)
        filings = FilingStore(client: client)
        spotCheck = SpotCheckStore(client: client)
        grading = GradingStore(client: client, clock: clock)
        monitor = MonitorStore(client: client)
        history = CountyHistoryStore(client: client)
        staff = StaffHistoryStore(client: client)
        dashboard = DashboardStore(client: client)
        idempotency = IdempotencyStore(client: client)
        scheduledRuns = ScheduledRunStore(client: client)
        self.migrations = MigrationRunner(client: client, migrations: migrations, logger: logger)
    }
}

extension Stores {
    /// Server settings for every session kaohed (and `kaohe bench`) opens, whatever the server's
    /// own configuration (issue 21: plans that do not swing on a warm server):
    /// - `jit = off`: kaohe's statements are short and run often; with PostgreSQL's default
    ///   (`jit = on`, `jit_above_cost` 100000) the monitor of 500 units spent 111 of 129 ms
    ///   compiling, and 1.85 s against 0.47 s at 20,000 units.
    ///
    /// `plan_cache_mode` stays `auto`. `force_custom_plan` was tried: it also re-plans the
    /// foreign-key checks PostgreSQL runs for each inserted row, and a 2,000-line roster upload
    /// went from 64 to 100 ms. The statements whose generic plan was poor are written so that it
    /// is not (the confirmation's flag flip goes by primary key, see `GradingStore`), and the
    /// benchmark compares a statement's first five runs with the later ones.
    ///
    /// Passed as libpq `options` (`PostgresConfiguration.withSessionSettings`), before any the
    /// operator gives in `database.url`, which so still win.
    public static let sessionSettings: [String: String] = ["jit": "off"]
}
