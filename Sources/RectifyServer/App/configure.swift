import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import SQLKit
import Vapor

/// The migrations in the order they were written. Migrations are history: append,
/// never edit one that has landed.
let allMigrations: [any Migration] = [
    M001_CreateRegions(),
    M002_SeedRegions(),
    M003_CreateUnits(),
    M004_CreateUsers(),
    M005_CreateInspections(),
    M006_CreateProblems(),
    M007_CreateTasks(),
    M008_CreateTaskLinks(),
    M009_UpdateTasksAddLifecycle(),
    M010_CreateAuditEvents(),
    M011_CreateApiTokens(),
    M012_CreateClaimsAndReports(),
    M013_CreateOversight(),
    M014_CreateOfficeSettings(),
    M015_CreateEvidence(),
]

/// Configures an application from its environment (`DATABASE_URL`, `RECTIFY_DATA_DIR`).
public func configure(_ app: Application) async throws {
    try await configure(app, config: AppConfig.fromEnvironment())
}

/// Configures an application: database, migrations, sessions, middleware, routes
/// and commands. Tests call this with their own `AppConfig`.
public func configure(_ app: Application, config: AppConfig) async throws {
    app.storage[AppConfigKey.self] = config

    switch config.store {
    case .sqlite(let path):
        do {
            try FileManager.default.createDirectory(atPath: config.dataDirectory, withIntermediateDirectories: true)
        } catch {
            throw StartupError("无法创建数据目录 \(config.dataDirectory):请检查权限,或用 RECTIFY_DATA_DIR 指定其他目录。")
        }
        app.databases.use(.sqlite(.file(path), sqlLogLevel: .debug), as: .sqlite)
    case .postgres(let url):
        let pg: SQLPostgresConfiguration
        do {
            pg = try SQLPostgresConfiguration(url: url)
        } catch {
            throw StartupError("DATABASE_URL 无法解析:应形如 postgres://用户:密码@主机:5432/数据库。")
        }
        app.databases.use(.postgres(configuration: pg, sqlLogLevel: .debug), as: .psql)
    }

    app.migrations.add(allMigrations)
    // Vapor's session table, from before our own sessions (M016); kept so the
    // migration history of existing databases stays as it is.
    app.migrations.add(SessionRecord.migration)
    app.migrations.add(M016_CreateUserSessions())
    app.migrations.add(M017_CreateSchedulerAndNotifications())
    app.migrations.add(M018_CreatePetitions())
    app.migrations.add(M019_CreateAccountability())
    app.migrations.add(M020_UpdatePetitionCases())
    app.migrations.add(M021_CreateSubtasksAndProblemLinks())
    app.migrations.add(M022_CreateAcceptanceChains())
    app.migrations.add(M023_CreatePlansAndIndicators())
    app.migrations.add(M024_PartialPetitionTaskIndex())

    // Bcrypt at its full cost in production; cheaper in tests, where hundreds of
    // hashes would otherwise dominate the run.
    app.passwords.use(app.environment == .testing ? .bcrypt(cost: 4) : .bcrypt)

    // The shared services, made before any request can race to make them.
    _ = (app.statusFreshness, app.loginThrottle, app.aggregateCache, app.pageCache, app.markerReads, app.signedIn, app.health, app.scheduler, app.deliverer)
    app.lifecycle.use(app.background)
    app.middleware = Middlewares()
    app.middleware.use(InFlightMiddleware(requests: app.inFlight))
    // Outside the error middleware, so error pages carry the headers too.
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(RectifyErrorMiddleware())
    app.middleware.use(NulGuardMiddleware())
    app.middleware.use(StatusFreshnessMiddleware())
    app.middleware.use(DeliveryKickMiddleware())
    app.middleware.use(WriteRetryMiddleware())
    app.middleware.use(SessionMiddleware())

    // Vapor's default is 16 KB; a progress narrative of a few thousand Chinese
    // characters is more than that. Evidence uploads set their own limit.
    app.routes.defaultMaxBodySize = "1mb"

    try routes(app)
    app.prepareOpenAPI()
    registerCommands(app)
}

struct AppConfigKey: StorageKey {
    typealias Value = AppConfig
}

extension Application {
    var rectifyConfig: AppConfig? { storage[AppConfigKey.self] }

    /// Brings the schema up to date; on SQLite also turns on the WAL journal
    /// (foreign keys are turned on per connection by the driver's default).
    ///
    /// `then` runs under the same lock (the demo load): on PostgreSQL, several instances
    /// may start together, and each waits for the one migrating (or loading the demo) to
    /// finish instead of racing it into "relation already exists" or a second demo.
    func prepareDatabase(then: (@Sendable (Application) async throws -> Void)? = nil) async throws {
        if case .postgres(let url) = rectifyConfig?.store {
            try await PostgresProbe.check(url: url, on: eventLoopGroup.any())
            try await PostgresProbe.withStartupLock(url: url, on: eventLoopGroup.any()) {
                try await self.autoMigrate()
                try await then?(self)
            }
        } else {
            if let sql = db as? any SQLDatabase {
                try await sql.raw("PRAGMA journal_mode=WAL").run()
            }
            try await autoMigrate()
            try await then?(self)
        }
        try await refreshPlannerStatistics(force: false)
    }

    func refreshPlannerStatistics(force: Bool) async throws {
        try await PlannerStatistics.refresh(force: force, on: db)
    }
}

/// Keeps the query planner's statistics current. Without them SQLite guesses, and on a
/// large ledger it guesses wrong (the dashboard's "due in 30 days" scanned 100,000
/// tasks by region instead of seeking by deadline: 83 ms against 1 ms). `force` after a
/// bulk change (a ledger import); otherwise only when none exist yet, or as SQLite's
/// `PRAGMA optimize` judges. PostgreSQL's autovacuum analyzes on its own; a forced
/// refresh analyzes the task tables there too.
enum PlannerStatistics {
    static func refresh(force: Bool, on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        if sql.dialect.name == "sqlite" {
            struct N: Decodable { let n: Int }
            let analyzed = try await sql.raw("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'sqlite_stat1'").first(decoding: N.self)?.n ?? 0
            try await sql.raw(force || analyzed == 0 ? "ANALYZE" : "PRAGMA optimize").run()
        } else if force {
            try await sql.raw("ANALYZE tasks, task_units, task_milestones").run()
        }
    }
}
