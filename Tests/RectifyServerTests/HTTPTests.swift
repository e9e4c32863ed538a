import Fluent
import FluentPostgresDriver
import XCTVapor
import RectifyCore
@testable import RectifyServer

final class HTTPTests: XCTestCase {
    func testHealthzAnswers200WhenTheDatabaseAnswers() async throws {
        try await withApp { app in
            try await app.test(.GET, "/healthz") { res async in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains(#""status":"ok""#), res.body.string)
            }
        }
    }

    /// A burst of monitors costs the database one query a second, not one each; a failure is not remembered.
    func testHealthzAsksTheDatabaseAtMostOnceInItsInterval() async throws {
        try await withApp(adjust: { $0.healthCheckSeconds = 30 }) { app in
            let counter = StatementCounter()
            app.middleware.use(counter, at: .beginning)
            for _ in 0..<5 {
                try await app.test(.GET, "/healthz") { res async in XCTAssertEqual(res.status, .ok) }
            }
            XCTAssertEqual(counter.statements.filter { $0.contains("SELECT 1") }.count, 1, counter.statements.joined(separator: "\n"))
        }
        // A failure is not remembered: once the database answers again, so does /healthz.
        try await withApp(adjust: { $0.healthCheckSeconds = 30 }) { app in
            let original = try XCTUnwrap(app.databases.ids().first)
            app.databases.use(.postgres(configuration: try .init(url: "postgres://nobody@127.0.0.1:1/none"),
                                        connectionPoolTimeout: .seconds(1)), as: .init(string: "gone"), isDefault: true)
            try await app.test(.GET, "/healthz") { res async in XCTAssertEqual(res.status, .serviceUnavailable) }
            app.databases.default(to: original)
            try await app.test(.GET, "/healthz") { res async in XCTAssertEqual(res.status, .ok) }
        }
    }

    func testHealthzAnswers503WhenTheDatabaseIsGone() async throws {
        try await withApp { app in
            // Point the app at a PostgreSQL port where nothing listens.
            app.databases.use(.postgres(configuration: try .init(url: "postgres://nobody@127.0.0.1:1/none"),
                                        connectionPoolTimeout: .seconds(1)), as: .init(string: "gone"), isDefault: true)
            try await app.test(.GET, "/healthz") { res async in
                XCTAssertEqual(res.status, .serviceUnavailable)
                XCTAssertTrue(res.body.string.contains("unavailable"))
            }
        }
    }

    func testLoginWithAWrongPasswordIsRefusedInChinese() async throws {
        try await withApp(demo: true) { app in
            for (login, password) in [("office", "wrong-password"), ("nobody", "office-demo")] {
                try await app.test(.POST, "/login", beforeRequest: { req in
                    try req.content.encode(["login": login, "password": password], as: .urlEncodedForm)
                }, afterResponse: { res async in
                    XCTAssertEqual(res.status, .unauthorized)
                    XCTAssertTrue(res.body.string.contains("登录名或密码不正确"))
                })
            }
        }
    }

    func testLoginShowsTheInspectionsWithTaskCountsAndLogoutEndsTheSession() async throws {
        try await withApp(demo: true) { app in
            var cookieFlags = (httpOnly: false, sameSite: HTTPCookies.SameSitePolicy?.none)
            try await app.test(.POST, "/login", beforeRequest: { req in
                try req.content.encode(["login": "office", "password": "office-demo"], as: .urlEncodedForm)
            }, afterResponse: { res async in
                let cookie = res.headers.setCookie?["rectify_session"]
                cookieFlags = (cookie?.isHTTPOnly ?? false, cookie?.sameSite)
            })
            XCTAssertTrue(cookieFlags.httpOnly)
            XCTAssertEqual(cookieFlags.sameSite, .lax)

            let cookies = try await app.sessionCookie(login: "office", password: "office-demo")
            try await app.test(.GET, "/inspections", beforeRequest: { $0.signIn(cookies) }) { res async in
                XCTAssertEqual(res.status, .ok)
                let html = res.body.string
                XCTAssertTrue(html.contains("第一轮中央环境保护督察(辽宁省)"))
                XCTAssertTrue(html.contains("省整改办 王静"))
                XCTAssertTrue(html.contains("基本完成整改"))
            }
            // The page is HTML whatever the client accepts; its JSON is GET /api/v1/inspections.
            try await app.test(.GET, "/inspections", beforeRequest: { req in
                req.signIn(cookies)
                req.headers.replaceOrAdd(name: .accept, value: "application/json")
            }) { res async in
                XCTAssertEqual(res.headers.contentType, .html)
            }
            try await app.test(.GET, "/api/v1/inspections", beforeRequest: { $0.signIn(cookies) }) { res async throws in
                XCTAssertEqual(res.status, .ok)
                struct Row: Decodable { let title: String; let tasksTotal: Int; let tasksByStatus: [String: Int] }
                struct Page: Decodable { let items: [Row]; let total: Int }
                let rows = try res.content.decode(Page.self).items
                let liaoning = try XCTUnwrap(rows.first { $0.title == "第一轮中央环境保护督察(辽宁省)" })
                XCTAssertEqual(liaoning.tasksTotal, 58)
                // The report's statuses, recomputed for today: the list agrees with the ledger's stored values.
                XCTAssertEqual(liaoning.tasksByStatus.values.reduce(0, +), 58)
                XCTAssertEqual(liaoning.tasksByStatus["basicallyCompleted"], 13)
            }
            // Logging out is a form like any other: without the page's token it is refused.
            try await app.test(.POST, "/logout", beforeRequest: { $0.signIn(cookies) }) { res async in
                XCTAssertEqual(res.status, .forbidden)
            }
            let token = try await app.csrfToken(cookies)
            try await app.test(.POST, "/logout", beforeRequest: { req in
                req.signIn(cookies)
                try req.content.encode(["_csrf": token], as: .urlEncodedForm)
            }) { res async in
                XCTAssertEqual(res.status, .seeOther)
            }
            try await app.test(.GET, "/inspections", beforeRequest: { $0.signIn(cookies) }) { res async in
                XCTAssertEqual(res.status, .seeOther, "the old cookie no longer opens the page")
                XCTAssertEqual(res.headers.first(name: .location), "/login")
            }
        }
    }

    func testPagesNeedALoginBrowsersAreRedirectedProgramsGet401() async throws {
        try await withApp(demo: true) { app in
            try await app.test(.GET, "/inspections") { res async in
                XCTAssertEqual(res.status, .seeOther)
                XCTAssertEqual(res.headers.first(name: .location), "/login")
            }
            try await app.test(.GET, "/inspections", headers: ["Accept": "application/json"]) { res async in
                XCTAssertEqual(res.status, .unauthorized)
                XCTAssertEqual(try? res.content.decode([String: String].self), ["code": "loginRequired", "message": "请先登录"])
            }
            // The home page of a visitor is the public portal.
            try await app.test(.GET, "/") { res async in
                XCTAssertEqual(res.headers.first(name: .location), "/public")
            }
        }
    }

    func testUsersSeeOnlyTheInspectionsOfTheirProvince() async throws {
        try await withApp(demo: true) { app in
            let unit = try await Unit.query(on: app.db).filter(\.$name == "山西省环境保护厅").first()
            let hasher = app.password
            _ = try await Store(db: app.db).createUser(displayName: "山西联络员", login: "shanxi", password: "shanxi-pass",
                                                       unitID: unit?.id, roles: [.unit]) { try hasher.hash($0) }
            let shanxi = try await app.sessionCookie(login: "shanxi", password: "shanxi-pass")
            try await app.test(.GET, "/inspections", beforeRequest: { $0.signIn(shanxi) }) { res async in
                XCTAssertTrue(res.body.string.contains("第一轮中央环境保护督察(山西省)"))
                XCTAssertFalse(res.body.string.contains("辽宁省"))
                XCTAssertFalse(res.body.string.contains("焦作"))
            }
            let admin = try await app.sessionCookie(login: "admin", password: "admin-demo")
            try await app.test(.GET, "/inspections", beforeRequest: { $0.signIn(admin) }) { res async in
                for title in ["辽宁省", "山西省", "葫芦岛市", "乌海市", "焦作市", "盘锦市"] {
                    XCTAssertTrue(res.body.string.contains(title), title)
                }
            }
        }
    }

    func testAnInactiveUserCannotLogIn() async throws {
        try await withApp(demo: true) { app in
            let leader = try await User.query(on: app.db).filter(\.$login == "leader").first()
            leader?.active = false
            try await leader?.save(on: app.db)
            try await app.test(.POST, "/login", beforeRequest: { req in
                try req.content.encode(["login": "leader", "password": "leader-demo"], as: .urlEncodedForm)
            }) { res async in
                XCTAssertEqual(res.status, .unauthorized)
            }
        }
    }

    func testUnknownPagesGetA404InChineseAsHTMLOrJSON() async throws {
        try await withApp { app in
            try await app.test(.GET, "/no-such-page") { res async in
                XCTAssertEqual(res.status, .notFound)
                XCTAssertTrue(res.body.string.contains("页面不存在"))
                XCTAssertEqual(res.headers.contentType, .html)
            }
            try await app.test(.GET, "/api/v1/nothing") { res async in
                XCTAssertEqual(res.status, .notFound)
                XCTAssertEqual(try? res.content.decode([String: String].self), ["code": "notFound", "message": "页面不存在,或您无权查看"])
            }
        }
    }

    func testTheStylesheetShipsWithTheServer() async throws {
        try await withApp { app in
            try await app.test(.GET, SiteURL.stylesheet.path) { res async in
                XCTAssertEqual(res.status, .ok)
                XCTAssertEqual(res.headers.contentType?.subType, "css")
            }
            try await app.test(.GET, "/login") { res async in
                XCTAssertTrue(res.body.string.contains(#"href="/assets/rectify.css""#))
                XCTAssertTrue(res.body.string.contains(#"lang="zh""#))
            }
        }
    }
}
