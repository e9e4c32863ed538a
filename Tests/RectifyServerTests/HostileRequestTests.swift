import Fluent
import SQLKit
import XCTVapor
import RectifyCore
@testable import RectifyServer

/// Issue 10's findings, each as the request that found it: no number, date or text a
/// request carries traps the server, and every refusal is a 4xx in Chinese that changes nothing.
final class HostileRequestTests: XCTestCase {
    static let huge = "9223372036854775807"
    static let hugeRegion = "9223372036854770000"

    func testGivenHugePagesAndRegions_whenRequested_thenEachIsRefusedWith400AndNothingTraps() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .assigned)
            let paths: [(String, String)] = [
                ("anonymous", "/public/inspections/\(f.inspectionID)?page=\(Self.huge)"),
                ("office", "/api/v1/tasks?page=\(Self.huge)"),
                ("office", "/ledger?page=\(Self.huge)"),
                ("office", "/api/v1/tokens?page=\(Self.huge)"),
                ("office", "/api/v1/tasks/\(f.taskID)/timeline?page=\(Self.huge)"),
                ("office", "/api/v1/tasks?page=-3"),
                ("office", "/api/v1/tasks?per=100000000000000000000"),
                ("office", "/api/v1/tasks?region=\(Self.hugeRegion)"),
                ("office", "/ledger?region=\(Self.hugeRegion)"),
                ("office", "/api/v1/tasks/export.csv?region=\(Self.hugeRegion)"),
                ("office", "/api/v1/tasks/export.xlsx?region=\(Self.hugeRegion)"),
                ("admin", "/admin/regions?province=\(Self.hugeRegion)"),
            ]
            for (login, path) in paths {
                let r = try await f.expect(.badRequest, .GET, path, as: login)
                XCTAssertTrue(["query.invalid", "badFilter"].contains(r.code ?? ""), "\(path): \(r.body)")
            }
            // Still serving.
            try await f.expect(.ok, .GET, "/api/v1/tasks?page=2", as: "office")
        }
    }

    func testGivenANoticeStartingIn9999_whenTheOfficeOpensIt_thenItIsRefusedAndTheTaskIsUnchanged() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .accepted)
            let before = try await f.fingerprint()
            let r = try await f.call(.POST, "/api/v1/tasks/\(f.taskID)/actions/openNotice", as: "office",
                                     #"{"noticeStart":"9999-12-31","noticeText":"公示"}"#)
            XCTAssertTrue((400..<500).contains(r.status.code), r.body)
            let after = try await f.fingerprint()
            XCTAssertEqual(before, after)
        }
    }

    func testGivenMarkupInTitlesAndNames_whenPagesAndTheHTMLReportShowThem_thenItIsTextNotMarkup() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .assigned)
            let hostile = #""><script>alert(1)</script><meta http-equiv="refresh" content="0;url=https://evil.example">'&lt;"#
            let inspection = try await unwrap(Inspection.find(f.inspectionID, on: app.db))
            inspection.title = "督察" + hostile
            try await inspection.save(on: app.db)
            let unit = try await unwrap(Unit.find(f.units["responsible"], on: app.db))
            unit.name = #"辽宁省"测试"局&<设>"#
            try await unit.save(on: app.db)

            func assertInert(_ body: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
                XCTAssertFalse(body.contains("<script>alert"), "\(what) runs a script", file: file, line: line)
                XCTAssertFalse(body.contains(#"<meta http-equiv="refresh""#), "\(what) redirects", file: file, line: line)
                XCTAssertFalse(body.contains(#""><script>"#), "\(what) breaks out of an attribute", file: file, line: line)
                XCTAssertFalse(body.contains(#"'&lt;"#), "\(what) shows typed text as something else", file: file, line: line)
            }
            let report = try await f.expect(.ok, .GET, "/api/v1/inspections/\(f.inspectionID)/report?format=html", as: "office")
            assertInert(report.body, "the HTML report")
            // Typed text shows as typed: "&lt;" stays four characters on the page.
            XCTAssertTrue(report.body.contains("&amp;lt;"), "typed &lt; is shown as typed")
            assertInert(try await f.expect(.ok, .GET, "/public", as: "anonymous").body, "the portal")
            assertInert(try await f.expect(.ok, .GET, "/public/inspections/\(f.inspectionID)", as: "anonymous").body, "the portal's inspection")
            assertInert(try await f.expect(.ok, .GET, "/ledger?q=\(hostile.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)",
                                           as: "office").body, "the ledger's search")
            assertInert(try await f.expect(.ok, .GET, "/tasks/\(f.taskID)", as: "office").body, "the task page")

            var login = ""
            try await app.test(.POST, "/login", beforeRequest: { req in
                try req.content.encode(["login": hostile, "password": "x"], as: .urlEncodedForm)
            }, afterResponse: { res async in login = res.body.string })
            assertInert(login, "the login page")
        }
    }

    func testGivenAUnitNameWithQuotesAndARedTask_whenTheDashboardAndExportsDrawIt_thenTheyAnswer() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let unit = try await unwrap(Unit.find(f.units["responsible"], on: app.db))
            unit.name = #"辽宁省"测试"局"#
            try await unit.save(on: app.db)
            f.set("2019-02-01")   // past the deadline: red
            let dashboard = try await f.expect(.ok, .GET, "/", as: "office")
            XCTAssertTrue(dashboard.body.contains("辽宁省&quot;测试&quot;局"), "the unit ranking shows the name")
            let xlsx = try await f.expect(.ok, .GET, "/api/v1/tasks/export.xlsx", as: "office")
            XCTAssertFalse(xlsx.body.isEmpty)
            try await f.expect(.ok, .GET, "/api/v1/inspections/\(f.inspectionID)/report?format=docx", as: "office")
        }
    }

    func testGivenTextWithANulCharacter_whenSubmitted_thenItIsRefusedAndNothingIsStored() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let before = try await f.fingerprint()
            let report = try await f.expect(.badRequest, .POST, "/api/v1/tasks/\(f.taskID)/reports", as: "responsible",
                                            #"{"narrative":"U\u0000V","percent":10}"#)
            XCTAssertEqual(report.code, "text.nul")
            let evidence = try await f.expect(.badRequest, .POST, "/api/v1/tasks/\(f.taskID)/evidence?name=a%00b.pdf",
                                              as: "responsible", "%PDF-1.4 照片")
            XCTAssertEqual(evidence.code, "text.nul")
            let after = try await f.fingerprint()
            XCTAssertEqual(before, after)
        }
    }

    func testGivenADayHasPassed_whenTheTaskPageTheLedgerAndTheReportAreRead_thenTheyAgreeOnTheLight() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            try await f.expect(.ok, .GET, "/api/v1/tasks/\(f.taskID)", as: "office")
            f.set("2019-01-05")   // the deadline (2018-12-31) has passed; nothing was written since
            let detail = try await f.expect(.ok, .GET, "/api/v1/tasks/\(f.taskID)", as: "office")
            let list = try await f.expect(.ok, .GET, "/api/v1/tasks?inspection=\(f.inspectionID)", as: "office")
            let row = try XCTUnwrap((list.json["items"] as? [[String: Any]])?.first)
            XCTAssertEqual(detail.json["light"] as? String, "red")
            XCTAssertEqual(row["light"] as? String, "red")
            XCTAssertEqual(row["progressStatus"] as? String, PublicStatus.behindSchedule.rawValue)
            XCTAssertEqual(detail.json["progressStatus"] as? String, PublicStatus.behindSchedule.rawValue)
            let report = try await f.expect(.ok, .GET, "/api/v1/inspections/\(f.inspectionID)/report?format=text", as: "office")
            XCTAssertTrue(report.body.contains("未达到序时进度"), report.body)
        }
    }

    func testGivenOnlyDraftTasks_whenThePublicLooks_thenTheInspectionIsNotPublishedNorItsEvidence() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .draft)
            let portal = try await f.expect(.ok, .GET, "/public", as: "anonymous")
            XCTAssertFalse(portal.body.contains("第一轮中央环境保护督察"), "a draft inspection is listed")
            try await f.expect(.notFound, .GET, "/public/inspections/\(f.inspectionID)", as: "anonymous")
            let upload = try await f.expect(.created, .POST, "/api/v1/tasks/\(f.taskID)/evidence?name=a.pdf", as: "office", "%PDF-1.4 草稿")
            try await f.expect(.ok, .POST, "/api/v1/evidence/\(upload.id)/publish", as: "office", #"{"isPublic":true}"#)
            try await f.expect(.notFound, .GET, "/public/evidence/\(upload.id)", as: "anonymous")
            try await f.act(.assign, as: "office")
            try await f.expect(.ok, .GET, "/public/evidence/\(upload.id)", as: "anonymous")
            let listed = try await f.expect(.ok, .GET, "/public", as: "anonymous")
            XCTAssertTrue(listed.body.contains("第一轮中央环境保护督察"), "assigned, the inspection is published")
        }
    }

    func testGivenAnEvidenceRecordWhoseFileIsGone_whenDownloaded_thenItIs404NotAServerError() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let upload = try await f.expect(.created, .POST, "/api/v1/tasks/\(f.taskID)/evidence?name=a.pdf", as: "responsible", "%PDF-1.4 现场")
            let directory = try XCTUnwrap(app.rectifyConfig?.evidenceDirectory)
            try FileManager.default.removeItem(atPath: directory)
            let r = try await f.expect(.notFound, .GET, "/api/v1/evidence/\(upload.id)", as: "office")
            XCTAssertEqual(r.code, "evidence.fileMissing")
        }
    }

    func testGivenAReportFormWithARefusedFile_whenSubmitted_thenNoReportIsSaved() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let cookie = try await unwrap(f.cookie("responsible"))
            let token = try await app.csrfToken(cookie)
            let before = try await f.fingerprint()
            var status = HTTPStatus.ok
            try await app.test(.POST, "/tasks/\(f.taskID)/report", beforeRequest: { req in
                req.signIn(cookie)
                req.multipartForm([("_csrf", token), ("narrative", "完成截污纳管"), ("percent", "40")],
                                  file: ("run.exe", "application/octet-stream", "MZ\u{1}\u{2}不是材料"))
            }, afterResponse: { res async in status = res.status })
            XCTAssertEqual(status, .unsupportedMediaType)
            let after = try await f.fingerprint()
            XCTAssertEqual(before, after, "the report was saved without its file")
        }
    }

    func testEveryResponseCarriesTheProtectiveHeaders() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let cookie = try await unwrap(f.cookie("office"))
            for path in ["/api/v1/tasks", "/api/v1/tasks/export.csv", "/api/v1/inspections/\(f.inspectionID)/report?format=html",
                         "/api/v1/tasks/999999", "/healthz", "/public"] {
                try await app.test(.GET, path, beforeRequest: { $0.signIn(cookie) }) { res async in
                    XCTAssertEqual(res.headers.first(name: "X-Content-Type-Options"), "nosniff", path)
                    XCTAssertEqual(res.headers.first(name: "X-Frame-Options"), "DENY", path)
                    XCTAssertNotNil(res.headers.first(name: "Content-Security-Policy"), path)
                }
            }
        }
    }
}

/// Stored words and the words pages show come from one enum in the core (issue 11 §1,
/// found in issue 10's review): a refused extension was written `refused` and labelled
/// under `rejected`, so users read the raw English.
final class StoredWordsTests: XCTestCase {
    func testGivenARefusedExtension_whenTheTaskPageShowsIt_thenItSaysSoInChinese() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let request = try await f.expect(.created, .POST, "/api/v1/tasks/\(f.taskID)/extensions", as: "responsible",
                                             #"{"deadline":"2019-06-30","reason":"汛期施工受阻"}"#)
            try await f.expect(.ok, .POST, "/api/v1/extensions/\(request.id)/decision", as: "office", #"{"approve":false,"note":"理由不足"}"#)
            let page = try await f.expect(.ok, .GET, "/tasks/\(f.taskID)", as: "office").body
            XCTAssertTrue(page.contains(">未同意<"), "the refusal in Chinese")
            XCTAssertFalse(page.contains(">refused<"))
        }
    }

    func testEveryStoredWordHasAChineseLabel() {
        for status in ExtensionStatus.allCases { XCTAssertFalse(status.label.isEmpty) }
        XCTAssertEqual(ExtensionStatus(rawValue: "refused")?.label, "未同意")
        XCTAssertEqual(EntryVerdict(rawValue: "completed")?.label, "已完成")
        XCTAssertEqual(RoundRowStatus(rawValue: "late")?.label, "逾期报送")
    }
}
