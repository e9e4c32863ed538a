import Fluent
import XCTVapor
import RectifyCore
@testable import RectifyServer

/// Sessions done right (issue 10 §8): rotated at login, ended at logout, deactivation and
/// expiry; never made by a token call; cookie writes to the API need the CSRF token.
final class SessionSecurityTests: XCTestCase {
    func sessions(_ app: Application) async throws -> Int { try await UserSession.query(on: app.db).count() }

    func testGivenACookieChosenBeforeLogin_whenTheUserLogsIn_thenTheSessionGetsANewId() async throws {
        try await withApp { app in
            _ = try await Fixture(app, state: .inProgress)
            let planted = "attacker-chosen-session-value-0123456789"
            var issued: String?
            try await app.test(.POST, "/login", beforeRequest: { req in
                req.headers.cookie = ["rectify_session": .init(string: planted)]
                try req.content.encode(["login": "office", "password": "password-office"], as: .urlEncodedForm)
            }, afterResponse: { res async in issued = res.headers.setCookie?["rectify_session"]?.string })
            let cookie = try XCTUnwrap(issued)
            XCTAssertNotEqual(cookie, planted)
            let old = try await UserSession.find(SessionStore.hash(planted), on: app.db)
            XCTAssertNil(old)
        }
    }

    func testGivenATokenCall_whenItIsAnswered_thenNoSessionIsMadeOrChanged() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let created = try await f.expect(.created, .POST, "/api/v1/tokens", as: "responsible", #"{"name":"脚本"}"#)
            let token = try XCTUnwrap(created.json["token"] as? String)
            let office = try await unwrap(f.cookie("office"))
            let before = try await sessions(app)
            var setCookie: String?
            try await app.test(.GET, "/api/v1/tasks", beforeRequest: { req in
                req.headers.bearerAuthorization = .init(token: token)
                req.headers.cookie = office   // another user's cookie along with it
            }, afterResponse: { res async in
                XCTAssertEqual(res.status, .ok)
                setCookie = res.headers.first(name: .setCookie)
            })
            XCTAssertNil(setCookie)
            let after = try await sessions(app)
            XCTAssertEqual(before, after)
            // The cookie still belongs to the office.
            try await app.test(.GET, "/api/v1/session", beforeRequest: { $0.headers.cookie = office }) { res async in
                XCTAssertTrue(res.body.string.contains(#""login":"office""#), res.body.string)
            }
            // A revoked token logs no one in.
            try await f.expect(.noContent, .DELETE, "/api/v1/tokens/\(created.id)", as: "responsible")
            try await app.test(.GET, "/api/v1/tasks", beforeRequest: { $0.headers.bearerAuthorization = .init(token: token) }) { res async in
                XCTAssertEqual(res.status, .unauthorized)
            }
        }
    }

    func testGivenADeactivatedUser_whenTheirCookieComesBack_thenItOpensNothing() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let unit = try await unwrap(f.cookie("responsible"))
            try await f.expect(.ok, .GET, "/api/v1/tasks", as: "responsible")
            let admin = try await unwrap(f.cookie("admin"))
            let csrf = try await app.csrfToken(admin)
            let id = try await unwrap(User.query(on: app.db).filter(\.$login == "responsible").first()?.id)
            try await app.test(.POST, "/admin/users/\(id)/active", beforeRequest: { req in
                req.signIn(admin)
                try req.content.encode(["_csrf": csrf], as: .urlEncodedForm)
            }) { res async in XCTAssertEqual(res.status, .seeOther) }
            try await app.test(.GET, "/api/v1/tasks", beforeRequest: { $0.signIn(unit) }) { res async in
                XCTAssertEqual(res.status, .unauthorized)
            }
            let left = try await UserSession.query(on: app.db).filter(\.$user.$id == id).count()
            XCTAssertEqual(left, 0)
        }
    }

    func testGivenASessionEndedElsewhere_whenItsCookieComesBackAfterTheCacheLifetime_thenItOpensNothing() async throws {
        try await withApp(adjust: { $0.signedInCacheSeconds = 1 }) { app in
            let f = try await Fixture(app, state: .inProgress)
            let cookie = try await unwrap(f.cookie("office"))
            // Given a browser answered a moment ago (so this server remembers who it is),
            try await app.test(.GET, "/api/v1/tasks", beforeRequest: { $0.signIn(cookie) }) { res async in XCTAssertEqual(res.status, .ok) }
            // when its session is ended where this server cannot see it (another instance, `rectify user passwd`),
            try await UserSession.query(on: app.db).delete()
            try await Task.sleep(nanoseconds: 1_200_000_000)
            // then once the remembered answer is older than its lifetime, the cookie opens nothing.
            try await app.test(.GET, "/api/v1/tasks", beforeRequest: { $0.signIn(cookie) }) { res async in
                XCTAssertEqual(res.status, .unauthorized)
            }
        }
    }

    func testGivenAnIdleSession_whenItsTimeIsUp_thenItEndsAndIsDeleted() async throws {
        try await withApp(adjust: { $0.sessionIdleSeconds = 1 }) { app in
            let f = try await Fixture(app, state: .inProgress)
            let cookie = try await unwrap(f.cookie("office"))
            try await Task.sleep(nanoseconds: 1_300_000_000)
            try await app.test(.GET, "/api/v1/tasks", beforeRequest: { $0.signIn(cookie) }) { res async in
                XCTAssertEqual(res.status, .unauthorized)
                XCTAssertEqual(res.headers.setCookie?["rectify_session"]?.string, "", "the stale cookie is cleared")
            }
            let left = try await sessions(app)
            XCTAssertEqual(left, 0)
        }
    }

    func testGivenHTTPSIsConfigured_whenALoginSetsTheCookie_thenItIsSecure() async throws {
        try await withApp(adjust: { $0.secureCookies = true }) { app in
            _ = try await Fixture(app, state: .inProgress)
            try await app.test(.POST, "/login", beforeRequest: { req in
                try req.content.encode(["login": "office", "password": "password-office"], as: .urlEncodedForm)
            }) { res async in
                let cookie = res.headers.setCookie?["rectify_session"]
                XCTAssertEqual(cookie?.isSecure, true)
                XCTAssertEqual(cookie?.isHTTPOnly, true)
                XCTAssertNil(cookie?.expires, "no Expires date to format: Max-Age says the same")
            }
        }
    }

    func testGivenACookieWriteToTheAPIWithoutItsToken_whenSent_thenItIsRefusedAndNothingChanges() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let cookie = try await unwrap(f.cookie("responsible"))
            let before = try await f.fingerprint()
            // A form another site could post: form-encoded, cookie only.
            try await app.test(.POST, "/api/v1/tasks/\(f.taskID)/reports", beforeRequest: { req in
                req.headers.cookie = cookie
                try req.content.encode(["narrative": "伪造", "percent": "10"], as: .urlEncodedForm)
            }) { res async in
                XCTAssertEqual(res.status, .forbidden)
                XCTAssertTrue(res.body.string.contains(#""code":"csrf""#), res.body.string)
            }
            // The right token from a foreign page.
            try await app.test(.POST, "/api/v1/tasks/\(f.taskID)/reports", beforeRequest: { req in
                req.signIn(cookie)
                req.headers.replaceOrAdd(name: .origin, value: "https://evil.example")
                req.headers.replaceOrAdd(name: .host, value: "rectify.example")
                req.headers.contentType = .json
                req.body = ByteBuffer(string: #"{"narrative":"伪造","percent":10}"#)
            }) { res async in XCTAssertEqual(res.status, .forbidden) }
            let after = try await f.fingerprint()
            XCTAssertEqual(before, after)
            // The signed-in user's own script, with the token from GET /api/v1/session.
            try await f.expect(.created, .POST, "/api/v1/tasks/\(f.taskID)/reports", as: "responsible", #"{"narrative":"真实","percent":10}"#)
        }
    }

    func testGivenFortyParallelWrongPasswords_whenTried_thenAtMostTheLimitIsChecked() async throws {
        try await withApp { app in
            _ = try await Fixture(app, state: .inProgress)
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for _ in 0..<40 {
                    group.addTask {
                        var status = HTTPStatus.ok
                        try await app.test(.POST, "/login", beforeRequest: { req in
                            try req.content.encode(["login": "office", "password": "wrong-password"], as: .urlEncodedForm)
                        }) { res async in status = res.status }
                        return status
                    }
                }
                var all: [HTTPStatus] = []
                for try await s in group { all.append(s) }
                return all
            }
            XCTAssertLessThanOrEqual(statuses.filter { $0 == .unauthorized }.count, 5, "\(statuses)")
            XCTAssertEqual(statuses.filter { $0 == .tooManyRequests }.count + statuses.filter { $0 == .unauthorized }.count, 40)
        }
    }

    func testGivenALockedOutUser_whenTheAdministratorLiftsTheLimit_thenTheyCanLogIn() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let admin = try await unwrap(f.cookie("admin"))
            for _ in 0..<5 {
                try await app.test(.POST, "/login", beforeRequest: { req in
                    try req.content.encode(["login": "responsible", "password": "guess"], as: .urlEncodedForm)
                }) { _ async in }
            }
            func login() async throws -> HTTPStatus {
                var status = HTTPStatus.ok
                try await app.test(.POST, "/login", beforeRequest: { req in
                    try req.content.encode(["login": "responsible", "password": "password-responsible"], as: .urlEncodedForm)
                }) { res async in status = res.status }
                return status
            }
            let locked = try await login()
            XCTAssertEqual(locked, .tooManyRequests)
            let page = try await f.expect(.ok, .GET, "/admin/users", as: "admin")
            XCTAssertTrue(page.body.contains("解除登录限制"))
            let id = try await unwrap(User.query(on: app.db).filter(\.$login == "responsible").first()?.id)
            let csrf = try await app.csrfToken(admin)
            try await app.test(.POST, "/admin/users/\(id)/unlock", beforeRequest: { req in
                req.signIn(admin)
                try req.content.encode(["_csrf": csrf], as: .urlEncodedForm)
            }) { res async in XCTAssertEqual(res.status, .seeOther) }
            let unlocked = try await login()
            XCTAssertEqual(unlocked, .seeOther)
        }
    }
}
