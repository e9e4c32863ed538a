import Fluent
import SQLKit
import XCTVapor
import RectifyCore
@testable import RectifyServer

/// The web interface (issue 4): pages per role, forms with CSRF, errors next to the
/// fields with the input kept, the login throttle, and what the public may see.
final class WebTests: XCTestCase {
    struct Page { let status: HTTPStatus; let body: String; let location: String? }

    func get(_ f: Fixture, _ path: String, as login: String) async throws -> Page {
        let cookie = try await f.cookie(login)
        var page = Page(status: .internalServerError, body: "", location: nil)
        try await f.app.test(.GET, path, beforeRequest: { if let cookie { $0.signIn(cookie) } }) { res async in
            page = Page(status: res.status, body: res.body.string, location: res.headers.first(name: .location))
        }
        XCTAssertLessThan(page.status.code, 500, "\(path) as \(login): \(page.body.prefix(300))")
        return page
    }

    /// Posts a form as the browser would, with the session's CSRF token unless `token` says otherwise.
    func post(_ f: Fixture, _ path: String, as login: String, _ fields: [String: String], token: String? = nil) async throws -> Page {
        let cookie = try await f.cookie(login)
        var values = fields
        if let cookie {
            if let token { values["_csrf"] = token } else { values["_csrf"] = try await f.app.csrfToken(cookie) }
        }
        var page = Page(status: .internalServerError, body: "", location: nil)
        try await f.app.test(.POST, path, beforeRequest: { req in
            req.signIn(cookie)
            try req.content.encode(values, as: .urlEncodedForm)
        }) { res async in
            page = Page(status: res.status, body: res.body.string, location: res.headers.first(name: .location))
        }
        XCTAssertLessThan(page.status.code, 500, "\(path) as \(login): \(page.body.prefix(300))")
        return page
    }

    func testGivenATaskPageKept_whenTheAdminAddsAUnit_thenTheSplitFormOffersItAtOnce() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            // Given the office's task page seen (and kept until the data changes),
            for _ in 0..<2 {
                let page = try await get(f, "/tasks/\(f.taskID)", as: "office").body
                XCTAssertTrue(page.contains("分解给下级地区或单位") && !page.contains("兴城市生态环境局"), page)
            }
            // when the admin adds a unit in the task's province,
            let made = try await post(f, "/admin/units", as: "admin", ["name": "兴城市生态环境局", "kind": "department", "regionCode": "211481"])
            XCTAssertEqual(made.status, .seeOther, made.body)
            // then the office's next view of the task offers it in the split form, and the admin's act is on record.
            let page = try await get(f, "/tasks/\(f.taskID)", as: "office").body
            XCTAssertTrue(page.contains("兴城市生态环境局"), page)
            let events = try await AuditEvent.query(on: app.db).filter(\.$action == AuditAction.unitCreate.rawValue).count()
            XCTAssertEqual(events, 1)
        }
    }

    func testGivenAReportWhoseTimeWasWrittenAsText_whenTheTaskPageIsOpened_thenItShowsThatTime() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            _ = try await f.expect(.created, .POST, "/api/v1/tasks/\(f.taskID)/reports", as: "responsible", #"{"narrative":"进展顺利","percent":10}"#)
            // Given a report's time written as text (as a script writing SQLite directly would),
            guard let sql = app.db as? any SQLDatabase else { return XCTFail("no SQL") }
            try await sql.raw("UPDATE progress_reports SET submitted_at = '2018-03-02T02:00:00.000Z'").run()
            // when the task page is opened, then it shows the report at that time (China time).
            let page = try await get(f, "/tasks/\(f.taskID)", as: "office")
            XCTAssertEqual(page.status, .ok)
            XCTAssertTrue(page.body.contains("2018年3月2日 10:00"), page.body)
        }
    }

    func testEveryMainPageRendersForEachRole() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let pages: [(String, [String])] = [
                ("/", ["admin", "office", "responsible", "acceptor", "leader"]),
                ("/ledger", ["admin", "office", "responsible", "acceptor", "leader"]),
                ("/tasks/\(f.taskID)", ["admin", "office", "responsible", "cooperating", "acceptor", "leader"]),
                ("/my", ["responsible", "acceptor"]),
                ("/rounds", ["office", "leader"]), ("/orders", ["office", "responsible"]),
                ("/inspections", ["office", "leader"]), ("/inspections/\(f.inspectionID)/report", ["office", "leader"]),
                ("/inspections/\(f.inspectionID)/tasks/new", ["office"]), ("/inspections/\(f.inspectionID)/import", ["office"]),
                ("/import-report", ["office"]), ("/inspections/new", ["office"]),
                ("/admin/users", ["admin"]), ("/admin/units", ["admin"]), ("/admin/regions", ["admin"]), ("/tokens", ["responsible"]),
                ("/public", ["anonymous"]), ("/public/inspections/\(f.inspectionID)", ["anonymous"]),
            ]
            for (path, logins) in pages {
                for login in logins {
                    let page = try await get(f, path, as: login)
                    XCTAssertEqual(page.status, .ok, "\(path) as \(login)")
                    XCTAssertTrue(page.body.contains("<html lang=\"zh\""), path)
                }
            }
            // Role pages stay closed to others.
            let refusals: [(String, String, HTTPStatus)] = [("/admin/users", "office", .forbidden), ("/rounds", "responsible", .forbidden),
                                                            ("/inspections/new", "responsible", .forbidden), ("/ledger", "anonymous", .seeOther)]
            for (path, login, status) in refusals {
                let page = try await get(f, path, as: login)
                XCTAssertEqual(page.status, status, "\(path) as \(login)")
            }
        }
    }

    func testATaskHiddenFromAUserLooksExactlyLikeOneThatDoesNotExist() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let hidden = try await get(f, "/tasks/\(f.taskID)", as: "stranger")
            let missing = try await get(f, "/tasks/\(f.taskID + 1000)", as: "stranger")
            XCTAssertEqual(hidden.status, .notFound)
            XCTAssertEqual(hidden.body, missing.body)
            XCTAssertTrue(hidden.body.contains("页面不存在,或您无权查看"))
            let title = try await f.task.title
            XCTAssertFalse(hidden.body.contains(title))
            // Acting on it gives the same answer, and nothing changes.
            let before = try await f.fingerprint()
            let act = try await post(f, "/tasks/\(f.taskID)/act/claim", as: "stranger", [:])
            XCTAssertEqual(act.status, .notFound)
            let after = try await f.fingerprint()
            XCTAssertEqual(after, before)
        }
    }

    func testFormsNeedTheSessionsToken() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .assigned)
            let before = try await f.fingerprint()
            for token in ["", "forged-token"] {
                let page = try await post(f, "/tasks/\(f.taskID)/act/claim", as: "responsible", [:], token: token)
                XCTAssertEqual(page.status, .forbidden)
                XCTAssertTrue(page.body.contains("页面已过期或来源不明"), page.body)
            }
            // Another user's token does not work either.
            let other = try await app.csrfToken(try await f.cookie("cooperating")!)
            let crossed = try await post(f, "/tasks/\(f.taskID)/act/claim", as: "responsible", [:], token: other)
            XCTAssertEqual(crossed.status, .forbidden)
            let after = try await f.fingerprint()
            XCTAssertEqual(after, before)

            let ok = try await post(f, "/tasks/\(f.taskID)/act/claim", as: "responsible", ["version": "1"])
            XCTAssertEqual(ok.status, .seeOther)
            XCTAssertEqual(ok.location, "/tasks/\(f.taskID)")
            let state = try await f.task.state
            XCTAssertEqual(state, .inProgress)
            // The next page says what happened, once.
            let next = try await get(f, "/tasks/\(f.taskID)", as: "responsible")
            XCTAssertTrue(next.body.contains("已认领"), next.body)
        }
    }

    /// A problem on the fixture's task, and an earlier inspection (盘锦, fed back 2016-12-01) to link it to.
    static func linkable(_ f: Fixture) async throws -> (mine: Int, earlier: Int) {
        let store = Store(db: f.app.db)
        let mine = try await store.createProblem(inspectionID: f.inspectionID, ProblemDraft(number: 1, text: "黑臭水体整治不彻底")).requireID()
        try await TaskProblem(taskID: f.taskID, problemID: mine).create(on: f.app.db)
        let earlier = try await store.createInspection(InspectionDraft(
            title: "省级督察(盘锦市)", level: .provincial, round: nil, kind: .routine, team: "督察组", targetRegionCode: 211100,
            stationedFrom: nil, stationedUntil: nil, feedbackDate: LocalDate(iso: "2016-12-01"))).requireID()
        return (mine, earlier)
    }

    /// The link form (issue 14 §4) names the earlier problem by its inspection and number: the page
    /// lists the earlier inspections, not their problems (thousands at scale, and cut off at 1,000).
    func testTheLinkFormTakesAnEarlierInspectionAndAProblemNumber() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let store = Store(db: app.db)
            let (mine, earlier) = try await Self.linkable(f)
            var problems: [Int] = []
            for n in 1...3 { problems.append(try await store.createProblem(inspectionID: earlier, ProblemDraft(number: n, text: "盘锦问题\(n)")).requireID()) }

            let page = try await get(f, "/tasks/\(f.taskID)", as: "office")
            XCTAssertTrue(page.body.contains("省级督察(盘锦市)(2016年12月1日反馈),3 个问题"), page.body)
            XCTAssertTrue(page.body.contains("name=\"earlierNumber\""), page.body)
            XCTAssertFalse(page.body.contains("盘锦问题2"), "the problems are not listed")

            // Refused: no inspection, no number, a number it does not have; nothing changes.
            let before = try await f.fingerprint()
            for (fields, message) in [(["earlierNumber": "2"], "请选择此前的督察"),
                                      (["earlierInspectionID": "\(earlier)", "earlierNumber": "几"], "请填写此前督察的问题编号"),
                                      (["earlierInspectionID": "\(earlier)", "earlierNumber": "九"], "所选督察没有问题九")] {
                let r = try await post(f, "/tasks/\(f.taskID)/lineage", as: "office", fields.merging(["problemID": "\(mine)", "kind": "same"]) { a, _ in a })
                XCTAssertEqual(r.status, .unprocessableEntity, "\(fields)")
                XCTAssertTrue(r.body.contains(message), r.body)
            }
            let unchanged = try await f.fingerprint()
            XCTAssertEqual(unchanged, before)

            // 问题二, in full-width words as offices type them: linked to the second problem.
            let ok = try await post(f, "/tasks/\(f.taskID)/lineage", as: "office",
                                    ["problemID": "\(mine)", "earlierInspectionID": "\(earlier)", "earlierNumber": " 问题二 ", "kind": "same"])
            XCTAssertEqual(ok.status, .seeOther, ok.body)
            let link = try await ProblemLink.query(on: app.db).first()
            XCTAssertEqual(link?.$earlier.id, problems[1])
            let shown = try await get(f, "/tasks/\(f.taskID)", as: "office")
            XCTAssertTrue(shown.body.contains("问题二"), shown.body)
        }
    }

    /// The office's pages write each new inspection, problem and task with its audit event, so the
    /// ledger's cached pages (kept until the next event) show a draft task at once. The problem is
    /// posted as the page's form posts it, number and words alone (it once needed fields the form lacks).
    func testADraftTaskMadeOnThePageShowsInTheCachedLedgerAtOnce() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            for _ in 0..<2 { _ = try await get(f, "/ledger", as: "office") }
            let before = try await AuditEvent.query(on: app.db).count()
            let made = try await post(f, "/inspections/\(f.inspectionID)/tasks/new", as: "office",
                                      ["number": "7", "title": "新建的草稿任务", "kind": "timeLimited", "deadline": "2018-12-31",
                                       "responsible[]": "\(try unwrap(f.units["responsible"]))"])
            XCTAssertEqual(made.status, .seeOther, made.body.components(separatedBy: "field-error").dropFirst().map { String($0.prefix(120)) }.joined(separator: " | "))
            let problem = try await post(f, "/inspections/\(f.inspectionID)/problems", as: "office", ["number": "9", "text": "新添的反馈问题"])
            XCTAssertEqual(problem.status, .seeOther, problem.body.components(separatedBy: "error").dropFirst().map { String($0.prefix(100)) }.joined(separator: " | "))
            let actions = try await AuditEvent.query(on: app.db).sort(\.$id).all().dropFirst(before).map(\.action)
            XCTAssertEqual(actions, ["task.create", "problem.create"])
            let ledger = try await get(f, "/ledger", as: "office")
            XCTAssertTrue(ledger.body.contains("新建的草稿任务"), ledger.body)
            let api = try await get(f, "/api/v1/tasks", as: "office")
            XCTAssertTrue(api.body.contains("新建的草稿任务"), api.body)
        }
    }

    /// The link service's refusals (already linked, …) show on the page's form, under the number.
    func testTheLinkFormShowsWhyALinkWasRefused() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let store = Store(db: app.db)
            let (mine, earlier) = try await Self.linkable(f)
            _ = try await store.createProblem(inspectionID: earlier, ProblemDraft(number: 1, text: "黑臭水体"))
            let fields = ["problemID": "\(mine)", "earlierInspectionID": "\(earlier)", "earlierNumber": "第1项", "kind": "same"]
            let forbidden = try await post(f, "/tasks/\(f.taskID)/lineage", as: "responsible", fields)
            XCTAssertEqual(forbidden.status, .forbidden, forbidden.body)
            let linked = try await post(f, "/tasks/\(f.taskID)/lineage", as: "office", fields)
            XCTAssertEqual(linked.status, .seeOther, linked.body)
            let again = try await post(f, "/tasks/\(f.taskID)/lineage", as: "office", fields)
            XCTAssertEqual(again.status, .unprocessableEntity)
            XCTAssertTrue(again.body.contains("这两个问题已经关联"), again.body.components(separatedBy: "error").dropFirst()
                .map { String($0.prefix(100)) }.joined(separator: " | "))
        }
    }

    func testARefusedFormShowsItsErrorsAndKeepsTheInput() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            // A report with a percent that is no number: 422, message next to the field, narrative kept.
            let bad = try await post(f, "/tasks/\(f.taskID)/report", as: "responsible", ["narrative": "完成<排查>", "percent": "四十"])
            XCTAssertEqual(bad.status, .unprocessableEntity)
            XCTAssertTrue(bad.body.contains("完成比例应为 0 至 100 的整数"), bad.body)
            XCTAssertTrue(bad.body.contains("完成&lt;排查&gt;"), "the input is kept, escaped")
            // Asking for acceptance without a narrative.
            let empty = try await post(f, "/tasks/\(f.taskID)/act/submitCompletion", as: "responsible", ["version": "1", "narrative": ""])
            XCTAssertEqual(empty.status, .unprocessableEntity)
            XCTAssertTrue(empty.body.contains("class=\"error\""), empty.body)
            // A stale version: 409, saying who changed it.
            _ = try await post(f, "/tasks/\(f.taskID)/report", as: "responsible", ["narrative": "第一次报送"])
            let report = try await ProgressReport.query(on: app.db).first()!
            _ = try await post(f, "/reports/\(report.id!)/review", as: "office", ["decision": "accept"])
            let task = try await f.task
            let stale = try await post(f, "/tasks/\(f.taskID)/act/submitCompletion", as: "responsible",
                                       ["version": String(task.version - 1), "narrative": "完成"])
            XCTAssertEqual(stale.status, .conflict, stale.body)
            let state = try await f.task.state
            XCTAssertEqual(state, .inProgress)
        }
    }

    func testTheWholeLifecycleThroughTheForms() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .assigned)
            func version() async throws -> String { String(try await f.task.version) }
            var page = try await post(f, "/tasks/\(f.taskID)/act/claim", as: "responsible", ["version": try await version()])
            XCTAssertEqual(page.status, .seeOther)
            page = try await post(f, "/tasks/\(f.taskID)/report", as: "responsible",
                                  ["narrative": "完成方案起草", "percent": "50", "milestonesReached[]": String(f.milestoneID)])
            XCTAssertEqual(page.status, .seeOther, page.body)
            let report = try await ProgressReport.query(on: app.db).first()!
            page = try await post(f, "/reports/\(report.id!)/review", as: "office", ["decision": "accept"])
            XCTAssertEqual(page.status, .seeOther, page.body)
            page = try await post(f, "/tasks/\(f.taskID)/act/submitCompletion", as: "responsible", ["version": try await version(), "narrative": "全部完成"])
            XCTAssertEqual(page.status, .seeOther, page.body)
            page = try await post(f, "/tasks/\(f.taskID)/act/acceptPass", as: "acceptor", ["version": try await version(), "opinion": "同意通过"])
            XCTAssertEqual(page.status, .seeOther, page.body)
            page = try await post(f, "/tasks/\(f.taskID)/act/openNotice", as: "office",
                                  ["version": try await version(), "noticeStart": "2018-03-01", "noticeEnd": "2018-03-07", "noticeText": "现予公示"])
            XCTAssertEqual(page.status, .seeOther, page.body)
            // An objection during the notice, answered as not standing.
            let notice = try await TaskEntry.query(on: app.db).filter(\.$kind == .notice).first()!
            page = try await post(f, "/notices/\(notice.id!)/objection", as: "office", ["receivedOn": "2018-03-02", "content": "群众反映仍有异味"])
            XCTAssertEqual(page.status, .seeOther, page.body)
            // Closing before the notice ends is refused on the page.
            page = try await post(f, "/tasks/\(f.taskID)/act/close", as: "office", ["version": try await version()])
            XCTAssertEqual(page.status, .unprocessableEntity)
            XCTAssertTrue(page.body.contains("期满后才能销号"), page.body)
            let objection = try await TaskEntry.query(on: app.db).filter(\.$kind == .objection).first()!
            page = try await post(f, "/objections/\(objection.id!)/answer", as: "office", ["answer": "经复核,异味来自其他企业", "upheld": "false"])
            XCTAssertEqual(page.status, .seeOther, page.body)
            f.set("2018-03-08")
            page = try await post(f, "/tasks/\(f.taskID)/act/close", as: "office", ["version": try await version()])
            XCTAssertEqual(page.status, .seeOther, page.body)
            let state = try await f.task.state
            XCTAssertEqual(state, .closed)
            let taskPage = try await get(f, "/tasks/\(f.taskID)", as: "leader")
            for words in ["认领", "报送进展", "采纳进展", "申请验收", "验收通过", "发起公示", "登记公示异议", "答复异议", "销号"] {
                XCTAssertTrue(taskPage.body.contains(words), words)
            }
            // The public portal lists it as closed, with its accepted progress, and nothing internal.
            let portal = try await get(f, "/public/inspections/\(f.inspectionID)?show=closed", as: "anonymous")
            XCTAssertTrue(portal.body.contains("落实生态文明建设实施方案"))
            XCTAssertTrue(portal.body.contains("完成方案起草"))
            for secret in ["同意通过", "群众反映仍有异味", "经复核", "红灯", "version", "已销号<", "_csrf"] {
                XCTAssertFalse(portal.body.contains(secret), secret)
            }
        }
    }

    func testOutputIsEscapedAndPagesCarrySecurityHeaders() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let task = try await f.task
            task.title = "<script>alert(1)</script>整治"
            try await task.save(on: app.db)
            for path in ["/ledger", "/tasks/\(f.taskID)", "/"] {
                let page = try await get(f, path, as: "office")
                XCTAssertFalse(page.body.contains("<script>alert(1)"), path)
            }
            let page = try await get(f, "/tasks/\(f.taskID)", as: "office")
            XCTAssertTrue(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;整治"))
            var headers = HTTPHeaders()
            try await app.test(.GET, "/public") { res async in headers = res.headers }
            XCTAssertEqual(headers.first(name: "X-Frame-Options"), "DENY")
            XCTAssertTrue(headers.first(name: "Content-Security-Policy")?.contains("script-src 'self'") ?? false)
        }
    }

    func testLoginAttemptsAreThrottled() async throws {
        try await withApp { app in
            _ = try await Fixture(app)
            func attempt(_ login: String, _ password: String) async throws -> HTTPStatus {
                var status = HTTPStatus.internalServerError
                try await app.test(.POST, "/login", beforeRequest: { req in
                    try req.content.encode(["login": login, "password": password], as: .urlEncodedForm)
                }) { res async in status = res.status }
                return status
            }
            for _ in 0..<5 {
                let status = try await attempt("office", "wrong-password")
                XCTAssertEqual(status, .unauthorized)
            }
            // The sixth attempt is refused even with the right password; other logins are unaffected.
            let blocked = try await attempt("office", "password-office")
            XCTAssertEqual(blocked, .tooManyRequests)
            let other = try await attempt("leader", "password-leader")
            XCTAssertEqual(other, .seeOther)
        }
        // The window slides: after 15 minutes the login may try again.
        let throttle = LoginThrottle()
        let start = Date(timeIntervalSince1970: 1_000_000)
        for i in 0..<5 { await throttle.failed(login: "wang", address: "10.0.0.1", now: start.addingTimeInterval(Double(i))) }
        let wait = await throttle.wait(login: "wang", address: "10.0.0.1", now: start.addingTimeInterval(10))
        XCTAssertEqual(wait, 15 * 60 - 10)
        let later = await throttle.wait(login: "WANG", address: "10.0.0.2", now: start.addingTimeInterval(15 * 60 + 1))
        XCTAssertNil(later)
    }

    func testTheLedgerFiltersLiveInTheURL() async throws {
        try await withApp(demo: true) { app in
            let cookies = try await app.sessionCookie(login: "office", password: "office-demo")
            var body = ""
            try await app.test(.GET, "/ledger?inspection=1&status=behindSchedule&sort=deadline", beforeRequest: { $0.signIn(cookies) }) { res async in
                XCTAssertEqual(res.status, .ok)
                body = res.body.string
            }
            // As many as the ledger stores behind schedule today (the report's 5, recomputed for the day),
            // each task of the plan once (its parts roll up into it).
            let behind = try await TaskRecord.query(on: app.db).filter(\.$inspection.$id == 1)
                .filter(\.$progressStatus == .behindSchedule).filter(\.$parentTask.$id == nil).count()
            XCTAssertTrue(body.contains("共 \(behind) 项"), body)
            XCTAssertTrue(body.contains("/api/v1/tasks/export.xlsx?inspection=1&status=behindSchedule&sort=deadline")
                          || body.contains("/api/v1/tasks/export.xlsx?inspection=1&amp;status=behindSchedule&amp;sort=deadline"),
                          "exports keep the filter: " + (body.components(separatedBy: "export.xlsx").dropFirst().first?.prefix(80).description ?? ""))
            try await app.test(.GET, "/ledger?light=purple", beforeRequest: { $0.signIn(cookies) }) { res async in
                XCTAssertEqual(res.status, .badRequest)
                XCTAssertTrue(res.body.string.contains("筛选条件无法识别"))
            }
        }
    }
}

extension WebTests {
    /// Evidence uploaded on the task page stays internal until the office publishes it.
    func testEvidenceIsPublicOnlyAfterTheOfficePublishesIt() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let cookie = try await f.cookie("responsible")!
            let token = try await app.csrfToken(cookie)
            var status = HTTPStatus.internalServerError
            try await app.test(.POST, "/tasks/\(f.taskID)/evidence", beforeRequest: { req in
                req.signIn(cookie)
                req.multipartForm([("_csrf", token)],
                                  file: ("现场照片.pdf", "application/pdf", "%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"))
            }) { res async in status = res.status }
            XCTAssertEqual(status, .seeOther)
            let link = try await EvidenceLink.query(on: app.db).first()
            let id = try XCTUnwrap(link?.id)
            XCTAssertEqual(link?.originalName, "现场照片.pdf")
            var portal = try await get(f, "/public/inspections/\(f.inspectionID)", as: "anonymous")
            XCTAssertFalse(portal.body.contains("现场照片.pdf"))
            // A unit may not publish; the office may.
            let refused = try await post(f, "/evidence/\(id)/publish", as: "responsible", ["isPublic": "true"])
            XCTAssertEqual(refused.status, .forbidden)
            let published = try await post(f, "/evidence/\(id)/publish", as: "office", ["isPublic": "true"])
            XCTAssertEqual(published.status, .seeOther, published.body)
            portal = try await get(f, "/public/inspections/\(f.inspectionID)", as: "anonymous")
            XCTAssertTrue(portal.body.contains("现场照片.pdf"))
        }
    }
}

extension WebTests {
    /// A report of hundreds of problems pages on screen; the count sentence is the whole inspection's.
    func testAVeryLargeReportPagesOnScreen() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let store = Store(db: app.db)
            for n in 1...305 {
                _ = try await store.createProblem(inspectionID: f.inspectionID, ProblemDraft(number: n, text: "第\(n)个反馈问题。"))
            }
            let first = try await get(f, "/inspections/\(f.inspectionID)/report", as: "office")
            XCTAssertTrue(first.body.contains("一、第1个反馈问题。"))
            XCTAssertFalse(first.body.contains("一百零一、第101个反馈问题。"))
            XCTAssertTrue(first.body.contains("本报告共 305 个反馈问题"))
            XCTAssertTrue(first.body.contains("《整改方案》1项整改任务"), "the count sentence covers the whole inspection")
            let last = try await get(f, "/inspections/\(f.inspectionID)/report?page=4", as: "office")
            XCTAssertTrue(last.body.contains("三百零五、第305个反馈问题。"), last.body)
            XCTAssertFalse(last.body.contains("一、第1个反馈问题。<"))
        }
    }
}
