import Fluent
import Logging
import NIOConcurrencyHelpers
import XCTVapor
import RectifyCore
@testable import RectifyServer

/// How many database statements each page and API answer costs (issue 11 §4): no page
/// makes more than 8, and a signed-in request learns who is asking in one.
final class StatementBudgetTests: XCTestCase {
    static let budget = 8

    func testNoPageMakesMoreThanEightStatements() async throws {
        try await withApp(demo: true) { app in
            let counter = StatementCounter()
            app.middleware.use(counter, at: .beginning)
            let office = try await app.sessionCookie(login: "office", password: "office-demo")
            let unit = try await app.sessionCookie(login: "unit", password: "unit-demo")
            let task = try await unwrap(try await TaskRecord.query(on: app.db).filter(\.$state == .inProgress)
                .filter(\.$regionCode >= 210000).filter(\.$regionCode <= 219999).first()?.id)
            let inspection = try await unwrap(try await Inspection.query(on: app.db).first()?.id)
            // The office's own (Liaoning's): its plan pages are the office's to read.
            let liaoning = try await unwrap(try await Inspection.query(on: app.db).filter(\.$targetRegion.$id == 210000).sort(\.$id).first()?.id)
            // Warm the day's status recompute, which the first request of a day pays once.
            try await app.test(.GET, "/public") { _ async in }
            // An open dispatch round and an open order, so the pages show them too.
            let responsible = try await unwrap(try await TaskUnit.query(on: app.db).filter(\.$task.$id == task)
                .filter(\.$role == "responsible").first()?.$unit.id)
            for (path, body) in [("/api/v1/rounds", #"{"name":"第1次调度","dueDate":"2030-01-31"}"#),
                                 ("/api/v1/orders", #"{"unitID":\#(responsible),"taskIDs":[\#(task)],"level":"order","reason":"进度滞后","replyBy":"2030-01-15"}"#)] {
                try await app.test(.POST, path, beforeRequest: { req in
                    req.signIn(office)
                    req.headers.contentType = .json
                    req.body = ByteBuffer(string: body)
                }) { res async in XCTAssertEqual(res.status, .created, res.body.string) }
            }
            let pages: [(String, HTTPCookies?)] = [
                ("/", office), ("/ledger", office), ("/tasks/\(task)", office), ("/inspections", office),
                ("/my", unit), ("/ledger", unit), ("/rounds", office), ("/orders", office),
                ("/public", nil), ("/public/inspections/\(inspection)", nil), ("/public/inspections/\(inspection)/petitions", nil),
                ("/petitions", office), ("/accountability", office),
                ("/indicators", office), ("/indicators?region=210000&indicator=1", office), ("/indicators", unit),
                ("/inspections/\(liaoning)/plans", office), ("/public/inspections/\(liaoning)/indicators", nil),
                ("/api/v1/indicators", office), ("/api/v1/inspections/\(liaoning)/plans", office),
                ("/api/v1/tasks", office), ("/api/v1/tasks/\(task)", office), ("/api/v1/inspections", office),
                ("/healthz", office),
            ]
            var report: [String] = []
            // Given the demo, when each page is requested twice (the second as any later viewer would),
            for (path, cookies) in pages {
                var counts: [Int] = []
                for _ in 0..<2 {
                    counter.reset()
                    try await app.test(.GET, path, beforeRequest: { $0.signIn(cookies) }) { res async in
                        XCTAssertLessThan(res.status.code, 400, path)
                    }
                    counts.append(counter.count)
                }
                report.append("\(path): \(counts)")
                // then none makes more than the budget, the first viewer (who fills a cache) included.
                XCTAssertLessThanOrEqual(counts.max() ?? 0, Self.budget, "\(path) made \(counts) statements; the last:\n\(counter.statements.joined(separator: "\n"))")
            }
            print("statements per request: " + report.joined(separator: ", "))
        }
    }

    func testGivenCachedPortalCounts_whenATaskIsAssigned_thenTheNextVisitorSeesIt() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .draft)
            let title = try await unwrap(try await Inspection.find(f.inspectionID, on: app.db)?.title)
            // Given the portal read (and its counts cached) while the only task is a draft,
            for _ in 0..<2 {
                try await app.test(.GET, "/public") { res async in XCTAssertFalse(res.body.string.contains(title)) }
            }
            // when the office assigns the task,
            try await f.act(.assign, as: "office")
            // then the very next visitor sees the inspection with its one task.
            try await app.test(.GET, "/public") { res async in
                XCTAssertTrue(res.body.string.contains(title), "the cached counts outlived a write")
            }
            let hits = app.aggregateCache.hits
            XCTAssertGreaterThan(hits, 0, "the second visit should have used the cache")
        }
    }

    func testGivenACachedLedgerPage_whenATaskIsEdited_thenTheNextReaderSeesTheEditAndOtherScopesTheirOwn() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            // Given the office's first page read twice, the second from the cache (no statement reads the tasks),
            let counter = StatementCounter()
            app.middleware.use(counter, at: .beginning)
            _ = try await f.expect(.ok, .GET, "/api/v1/tasks", as: "office")
            counter.reset()
            _ = try await f.expect(.ok, .GET, "/api/v1/tasks", as: "office")
            // (only the change marker is read, and on PostgreSQL the session).
            XCTAssertEqual(counter.statements.filter { !$0.contains("audit_events") && !$0.contains("pg_current_snapshot") && !$0.contains("session") },
                           [], counter.statements.joined(separator: "\n"))
            // (and the ledger page written once),
            for _ in 0..<2 { _ = try await f.expect(.ok, .GET, "/ledger", as: "office") }
            // when the office edits the task,
            let version = try await f.task.version
            _ = try await f.expect(.ok, .PATCH, "/api/v1/tasks/\(f.taskID)", as: "office", #"{"version":\#(version),"title":"改过的名称"}"#)
            // then the next read shows it, on the API and the ledger page alike,
            let list = try await f.expect(.ok, .GET, "/api/v1/tasks", as: "office").body
            XCTAssertTrue(list.contains("改过的名称"), list)
            let page = try await f.expect(.ok, .GET, "/ledger", as: "office").body
            XCTAssertTrue(page.contains("改过的名称"), page)
            // and a unit with no part in the task is not shown the office's page.
            for login in ["stranger", "foreignOffice"] {
                let other = try await f.expect(.ok, .GET, "/api/v1/tasks", as: login).body
                XCTAssertFalse(other.contains("改过的名称"), "\(login): \(other)")
            }
        }
    }

    func testGivenACachedTaskPage_whenAnotherOfficerOpensIt_thenItsFormsCarryTheirOwnTokenAndAnEditShowsAtOnce() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            // A second officer of the same office: the same scope, their own session.
            let unit = try await unwrap(f.units["office"])
            _ = try await Store(db: app.db).createUser(displayName: "另一位干部", login: "office2", password: "password-office2",
                                                       unitID: unit, roles: [.office]) { try app.password.hash($0) }
            let counter = StatementCounter()
            app.middleware.use(counter, at: .beginning)
            let path = "/tasks/\(f.taskID)"
            // Given the office's task page read twice, the second from the cache (no statement reads the task),
            let first = try await f.expect(.ok, .GET, path, as: "office").body
            counter.reset()
            let second = try await f.expect(.ok, .GET, path, as: "office").body
            XCTAssertEqual(counter.statements.filter { !$0.contains("audit_events") && !$0.contains("pg_current_snapshot") && !$0.contains("session") },
                           [], counter.statements.joined(separator: "\n"))
            XCTAssertEqual(first, second)
            // when another officer of the office opens it,
            let other = try await f.expect(.ok, .GET, path, as: "office2").body
            // then every form on it (the header's logout form too) carries that officer's token, not the first one's,
            func tokens(_ html: String) -> Set<String> {
                Set(html.components(separatedBy: #"name="_csrf" value=""#).dropFirst().map { String($0.prefix { $0 != "\"" }) })
            }
            XCTAssertEqual(tokens(first).count, 1, "one token per page")
            XCTAssertEqual(tokens(other).count, 1, "one token per page")
            XCTAssertNotEqual(tokens(first), tokens(other))
            XCTAssertGreaterThan(other.components(separatedBy: #"name="_csrf""#).count, 3, "the office's forms are on the page")
            XCTAssertFalse(other.contains("\u{0}"))
            // and a form posted with it is taken.
            let csrf = try await unwrap(tokens(other).first)
            let cookie = try await f.cookie("office2")
            try await app.test(.POST, "/tasks/\(f.taskID)/lookback", beforeRequest: { req in
                req.signIn(cookie)
                req.headers.contentType = .urlEncodedForm
                req.body = ByteBuffer(string: "_csrf=\(csrf)&result=scheduled&date=2018-03-05&findings=%E5%AE%89%E6%8E%92")
            }) { res async in
                XCTAssertNotEqual(res.status, .forbidden, res.body.string)
                XCTAssertFalse(res.body.string.contains("页面已过期"), res.body.string)
            }
            // When the office edits the task, the next read of the page shows the edit,
            let version = try await f.task.version
            _ = try await f.expect(.ok, .PATCH, "/api/v1/tasks/\(f.taskID)", as: "office", #"{"version":\#(version),"title":"改过的名称"}"#)
            let edited = try await f.expect(.ok, .GET, path, as: "office").body
            XCTAssertTrue(edited.contains("改过的名称"))
            // the responsible unit is shown its own page (its report form, not the office's order form),
            for _ in 0..<2 {
                let mine = try await f.expect(.ok, .GET, path, as: "responsible").body
                XCTAssertTrue(mine.contains("改过的名称") && mine.contains("报送整改进展"), mine)
                XCTAssertFalse(mine.contains("下发督办单"), mine)
            }
            // and a unit with no part in it, or another province's office, is still refused.
            for login in ["stranger", "foreignOffice"] { _ = try await f.expect(.notFound, .GET, path, as: login) }
        }
    }

    func testGivenTheAnonymousPortalRemembered_whenASignedInUserOpensIt_thenOnlyTheySeeTheirHeader() async throws {
        try await withApp(demo: true) { app in
            let office = try await app.sessionCookie(login: "office", password: "office-demo")
            // Given the portal as an anonymous visitor was shown it (the page is remembered),
            for _ in 0..<2 {
                try await app.test(.GET, "/public") { res async in XCTAssertFalse(res.body.string.contains("退出登录")) }
            }
            // when the office opens it, it gets its own header, with its logout button,
            try await app.test(.GET, "/public", beforeRequest: { $0.signIn(office) }) { res async in
                XCTAssertTrue(res.body.string.contains("退出登录"))
            }
            // and the next anonymous visitor is shown nobody's.
            try await app.test(.GET, "/public") { res async in
                XCTAssertFalse(res.body.string.contains("退出登录"))
                XCTAssertTrue(res.body.string.contains("login-link"))
            }
        }
    }

    func testASignedInRequestLearnsWhoIsAskingInOneStatement() async throws {
        try await withApp(demo: true, adjust: { $0.signedInCacheSeconds = 0; $0.healthCheckSeconds = 0 }) { app in
            let counter = StatementCounter()
            app.middleware.use(counter, at: .beginning)
            let office = try await app.sessionCookie(login: "office", password: "office-demo")
            try await app.test(.GET, "/healthz", beforeRequest: { $0.signIn(office) }) { _ async in }
            counter.reset()
            // Given a session and no cache of who is signed in, when /healthz is asked (its own check is one statement),
            try await app.test(.GET, "/healthz", beforeRequest: { $0.signIn(office) }) { res async in
                XCTAssertEqual(res.status, .ok)
                // then the session, user and unit are one statement and the unchanged session is not rewritten.
                XCTAssertNil(res.headers.setCookie?[SessionStore.cookieName])
            }
            XCTAssertEqual(counter.count, 2, counter.statements.joined(separator: "\n"))
        }
    }

    func testGivenASessionReadAMomentAgo_whenTheBrowserAsksAgain_thenItsSessionIsNotReadAgain() async throws {
        // As on SQLite by default (on PostgreSQL it is off unless configured); the health check asks every time.
        try await withApp(demo: true, adjust: { $0.signedInCacheSeconds = 5; $0.healthCheckSeconds = 0 }) { app in
            let counter = StatementCounter()
            app.middleware.use(counter, at: .beginning)
            let office = try await app.sessionCookie(login: "office", password: "office-demo")
            var token = ""
            try await app.test(.POST, "/api/v1/tokens", beforeRequest: { req in
                req.signIn(office)
                req.headers.contentType = .json
                req.body = ByteBuffer(string: #"{"name":"脚本"}"#)
            }) { res async in
                struct Created: Decodable { let token: String }
                token = (try? res.content.decode(Created.self).token) ?? ""
            }
            XCTAssertFalse(token.isEmpty)
            // Given a browser and a script that were each answered a moment ago,
            try await app.test(.GET, "/healthz", beforeRequest: { $0.signIn(office) }) { _ async in }
            try await app.test(.GET, "/healthz", headers: ["Authorization": "Bearer \(token)"]) { _ async in }
            for headers: HTTPHeaders in [["Cookie": "\(SessionStore.cookieName)=\(office[SessionStore.cookieName]?.string ?? "")"],
                                         ["Authorization": "Bearer \(token)"]] {
                counter.reset()
                // when each asks again,
                try await app.test(.GET, "/healthz", headers: headers) { res async in XCTAssertEqual(res.status, .ok) }
                // then the only statement is the health check's own: who is asking is known already.
                XCTAssertEqual(counter.statements.map { $0.prefix(8).uppercased() }, ["SELECT 1"], counter.statements.joined(separator: "\n"))
            }
        }
    }
}

/// Counts the SQL statements a request logs (Fluent logs each at debug level).
final class StatementCounter: AsyncMiddleware, @unchecked Sendable {
    private let box = NIOLockedValueBox<[String]>([])

    var count: Int { box.withLockedValue { $0.count } }
    var statements: [String] { box.withLockedValue { $0 } }
    func reset() { box.withLockedValue { $0 = [] } }

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        var logger = Logger(label: "rectify.statements") { _ in Handler(box: self.box) }
        logger.logLevel = .debug
        req.logger = logger
        return try await next.respond(to: req)
    }

    struct Handler: LogHandler {
        let box: NIOLockedValueBox<[String]>
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .debug
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String,
                 function: String, line: UInt) {
            guard level == .debug else { return }
            // SQLite logs "Executing query" with the SQL as metadata; PostgreSQL logs the SQL itself.
            var text = message.description.trimmingCharacters(in: .whitespaces)
            if text == "Executing query", case .string(let sql)? = metadata?["sql"] { text = sql }
            let head = text.prefix(8).uppercased()
            guard ["SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "BEGIN", "COMMIT", "PRAGMA"].contains(where: head.hasPrefix) else { return }
            box.withLockedValue { $0.append(String(text.prefix(200))) }
        }
    }
}
