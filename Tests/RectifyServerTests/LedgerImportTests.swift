import Fluent
import SQLKit
import XCTVapor
import RectifyCore
import RectifyOffice
@testable import RectifyServer

/// Issue 5 §3, §6: ledger import from XLSX and CSV, preview first, one transaction, idempotent.
final class LedgerImportTests: XCTestCase {
    /// A ledger as an office might send it: a title row, 完成时限 and 牵头单位 for the
    /// standard headings, the phrases offices write for deadlines.
    func officeLedger(_ f: Fixture, extraRow: [String]? = nil) -> String {
        var rows = [
            ["××省中央生态环境保护督察反馈问题整改台账"],
            ["序号", "反馈问题", "整改任务", "整改目标", "整改措施", "牵头单位", "配合单位", "验收单位", "责任领导", "完成时限", "阶段目标", "完成情况", "备注"],
            ["2", "二、辽河流域污染问题突出", "整治入河排污口", "排污口全部规范", "排查;整治;验收", "辽宁省发展和改革委员会",
             "葫芦岛市人民政府", "辽宁省环境保护厅", "王某", "2018年12月底前", "2018年6月30日:完成排查", "", "重点"],
            ["3", "二、辽河流域污染问题突出", "建设污水处理厂", "", "", "葫芦岛市人民政府", "", "", "", "2019年6月30日", "", "达到序时进度", ""],
            ["4", "三、秸秆焚烧", "禁烧巡查", "", "", "辽宁省发展和改革委员会", "", "", "", "长期坚持", "", "", ""],
            ["5", "", "排查违法建设项目", "", "", "辽宁省发展和改革委员会", "", "", "", "2020年底", "", "已完成", ""],
            ["6", "", "立行立改:关停非法码头", "", "", "辽宁省发展和改革委员会", "", "", "", "立行立改", "", "", ""],
        ]
        if let extraRow { rows.append(extraRow) }
        return rows.map(CSV.line).joined()
    }

    func post(_ f: Fixture, _ path: String, as login: String, file: Data, contentType: HTTPMediaType = .plainText)
        async throws -> Fixture.Reply {
        let cookie = try await f.cookie(login)
        var reply = Fixture.Reply(status: .internalServerError, body: "")
        try await f.app.test(.POST, path, beforeRequest: { req in
            req.signIn(cookie)
            req.headers.replaceOrAdd(name: .accept, value: "application/json")
            req.headers.contentType = contentType
            req.body = ByteBuffer(data: file)
        }, afterResponse: { res async in reply = Fixture.Reply(status: res.status, body: res.body.string) })
        return reply
    }

    func testPreviewWritesNothingThenOneImportThenTheSameFileChangesNothing() async throws {
        try await withApp { app in
            let f = try await Fixture(app)
            let csv = Data(officeLedger(f).utf8)
            let before = try await f.fingerprint()
            let preview = try await post(f, "/api/v1/inspections/\(f.inspectionID)/ledger/preview", as: "office", file: csv)
            XCTAssertEqual(preview.status, .ok, preview.body)
            let p = try JSONDecoder().decode(LedgerImport.Preview.self, from: Data(preview.body.utf8))
            XCTAssertEqual(p.format, "csv")
            XCTAssertEqual(p.headerLine, 2)
            XCTAssertEqual(p.ignoredColumns, ["备注"])
            XCTAssertEqual(p.counts, .init(create: 5, update: 0, unchanged: 0, invalid: 0))
            XCTAssertEqual(p.newProblems, [.init(number: 2, text: "辽河流域污染问题突出"), .init(number: 3, text: "秸秆焚烧")])
            XCTAssertFalse(p.applied)
            let afterPreview = try await f.fingerprint()
            XCTAssertEqual(afterPreview, before)

            let first = try await post(f, "/api/v1/inspections/\(f.inspectionID)/ledger/import", as: "office", file: csv)
            XCTAssertEqual(first.status, .ok, first.body)
            let tasks = try await TaskRecord.query(on: app.db).filter(\.$inspection.$id == f.inspectionID).sort(\.$number).all()
            XCTAssertEqual(tasks.map(\.number), [1, 2, 3, 4, 5, 6])
            let t2 = tasks[1]
            XCTAssertEqual(t2.title, "整治入河排污口")
            XCTAssertEqual(t2.deadline, "2018-12-31")
            XCTAssertEqual(t2.state, .assigned)
            XCTAssertEqual(t2.leadOfficial, "王某")
            XCTAssertNotNil(t2.light, "imported tasks get their warning light at once")
            let units2 = try await TaskUnit.query(on: app.db).filter(\.$task.$id == t2.id!).all().map { "\($0.role):\($0.$unit.id)" }
            XCTAssertEqual(Set(units2), ["responsible:\(f.units["responsible"]!)", "cooperating:\(f.units["cooperating"]!)",
                                         "acceptance:\(f.units["acceptor"]!)"])
            let m = try await TaskMilestone.query(on: app.db).filter(\.$task.$id == t2.id!).all()
            XCTAssertEqual(m.map(\.date), ["2018-06-30"])
            XCTAssertEqual(m.map(\.description), ["完成排查"])
            XCTAssertEqual(tasks[2].progressStatus, .onSchedule)
            XCTAssertEqual(tasks[2].state, .inProgress)
            XCTAssertEqual(tasks[3].kind, .longTerm)
            XCTAssertNil(tasks[3].deadline)
            XCTAssertEqual(tasks[4].state, .closed)
            XCTAssertEqual(tasks[5].kind, .immediate)
            XCTAssertEqual(tasks[5].deadline, "2018-01-01", "立行立改 with no date takes the plan's date")
            // Problem links: two tasks to 二, one to 三.
            let links = try await TaskProblem.query(on: app.db).all()
            XCTAssertEqual(links.count, 3)
            let events = try await AuditEvent.query(on: app.db).filter(\.$action == "ledger.import").count()
            XCTAssertEqual(events, 1)

            // The same file again: nothing to do, nothing written.
            let afterFirst = try await f.fingerprint()
            let second = try await post(f, "/api/v1/inspections/\(f.inspectionID)/ledger/import", as: "office", file: csv)
            XCTAssertEqual(second.status, .ok, second.body)
            let s = try JSONDecoder().decode(LedgerImport.Preview.self, from: Data(second.body.utf8))
            XCTAssertEqual(s.counts, .init(create: 0, update: 0, unchanged: 5, invalid: 0))
            XCTAssertTrue(s.newProblems.isEmpty)
            let afterSecond = try await f.fingerprint()
            XCTAssertEqual(afterSecond, afterFirst)

            // A changed cell updates that task only, with its version bumped and audited.
            let edited = officeLedger(f).replacingOccurrences(of: "建设污水处理厂", with: "建设城镇污水处理厂")
            let third = try await post(f, "/api/v1/inspections/\(f.inspectionID)/ledger/import", as: "office", file: Data(edited.utf8))
            let t = try JSONDecoder().decode(LedgerImport.Preview.self, from: Data(third.body.utf8))
            XCTAssertEqual(t.counts, .init(create: 0, update: 1, unchanged: 4, invalid: 0))
            XCTAssertEqual(t.rows.first { $0.action == "update" }?.changes, ["整改任务"])
            let t3 = try await TaskRecord.find(tasks[2].id!, on: app.db)!
            XCTAssertEqual(t3.title, "建设城镇污水处理厂")
            XCTAssertEqual(t3.version, 2)
        }
    }

    func testEveryRowsProblemsAreListedAndNothingIsWritten() async throws {
        try await withApp { app in
            let f = try await Fixture(app)
            let bad = officeLedger(f) + [
                ["7", "", "无名单位的任务", "", "", "不存在的单位", "", "", "", "2019年6月30日", "", "", ""],
                ["8", "", "时限写错", "", "", "辽宁省发展和改革委员会", "", "", "", "尽快", "", "", ""],
                ["2", "", "重复的序号", "", "", "辽宁省发展和改革委员会", "", "", "", "2019年6月30日", "", "", ""],
            ].map(CSV.line).joined()
            let before = try await f.fingerprint()
            let preview = try await post(f, "/api/v1/inspections/\(f.inspectionID)/ledger/preview", as: "office", file: Data(bad.utf8))
            let p = try JSONDecoder().decode(LedgerImport.Preview.self, from: Data(preview.body.utf8))
            XCTAssertEqual(p.counts.invalid, 4)
            let byLine = Dictionary(p.rows.map { ($0.line, $0.problems.map(\.code)) }, uniquingKeysWith: { a, _ in a })
            XCTAssertEqual(byLine[3], ["ledger.numberDuplicate"])
            XCTAssertEqual(byLine[8], ["ledger.unitUnknown"])
            XCTAssertEqual(byLine[9], ["ledger.deadlineUnreadable"])
            XCTAssertEqual(byLine[10], ["ledger.numberDuplicate"])
            XCTAssertTrue(p.rows.first { $0.line == 8 }!.problems[0].message.contains("不存在的单位"))

            let apply = try await post(f, "/api/v1/inspections/\(f.inspectionID)/ledger/import", as: "office", file: Data(bad.utf8))
            XCTAssertEqual(apply.status, .unprocessableEntity)
            XCTAssertEqual(apply.code, "ledger.rowsInvalid")
            XCTAssertTrue(apply.body.contains("第 8 行"), apply.body)
            let after = try await f.fingerprint()
            XCTAssertEqual(after, before)
            let problems = try await Problem.query(on: app.db).count()
            XCTAssertEqual(problems, 0)
        }
    }

    func testBadFilesAreRefusedInWords() async throws {
        try await withApp { app in
            let f = try await Fixture(app)
            let path = "/api/v1/inspections/\(f.inspectionID)/ledger/preview"
            let cases: [(Data, String)] = [
                (Data(), "file.empty"),
                (Data("%PDF-1.7\n\0\0binary".utf8), "file.unrecognised"),
                (Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]), "file.legacyExcel"),
                (Data([0x50, 0x4B, 0x03, 0x04] + Array(repeating: UInt8(1), count: 500)), "file.corrupt"),
                (Data(CSV.line(["序号", "整改任务", "备注"]).utf8), "validationFailed"),
                (Data(CSV.line(["序号", "整改任务", "责任单位", "整改时限"]).utf8), "ledger.noRows"),
                (Data("序号,整改任务\r\n".utf8.map { $0 } + [0xB2, 0xE2]), "file.unrecognised"),
            ]
            for (data, code) in cases {
                let r = try await post(f, path, as: "office", file: data)
                XCTAssertEqual(r.status, .unprocessableEntity, "\(code): \(r.body)")
                XCTAssertEqual(r.code, code, r.body)
                XCTAssertFalse((r.json["message"] as? String ?? "").isEmpty)
            }
            // Missing columns are named.
            let missing = try await post(f, path, as: "office", file: Data(CSV.line(["序号", "整改任务", "备注"]).utf8))
            XCTAssertTrue(missing.body.contains("责任单位") && missing.body.contains("整改时限"), missing.body)
            // A Word document is told apart from a workbook.
            let docx = try DOCXDocument(title: "x", paragraphs: [.init(.body, "x")]).data()
            let word = try await post(f, path, as: "office", file: docx)
            XCTAssertEqual(word.code, "file.notXLSX")
            XCTAssertTrue(word.body.contains("Word"), word.body)
        }
    }

    func testOnlyTheOfficeOverTheInspectionMayImport() async throws {
        try await withApp { app in
            let f = try await Fixture(app)
            let csv = Data(officeLedger(f).utf8)
            let before = try await f.fingerprint()
            for (login, status) in [("responsible", HTTPStatus.notFound), ("acceptor", .notFound), ("foreignOffice", .notFound),
                                    ("leader", .forbidden), ("anonymous", .unauthorized)] {
                for action in ["preview", "import"] {
                    let r = try await post(f, "/api/v1/inspections/\(f.inspectionID)/ledger/\(action)", as: login, file: csv)
                    XCTAssertEqual(r.status, status, "\(login) \(action): \(r.body)")
                }
            }
            let after = try await f.fingerprint()
            XCTAssertEqual(after, before)
            let admin = try await post(f, "/api/v1/inspections/\(f.inspectionID)/ledger/preview", as: "admin", file: csv)
            XCTAssertEqual(admin.status, .ok)
        }
    }

    /// Over a real socket, where body limits apply: past 20 MB the upload is cut off with a clear answer.
    func testAnOversizedUploadIsRefusedBeforeItIsRead() async throws {
        try await withApp { app in
            let f = try await Fixture(app)
            let cookie = try await f.cookie("office")!
            let server = try app.testable(method: .running(hostname: "127.0.0.1", port: Int.random(in: 41_000...49_000)))
            var result: (HTTPStatus, String) = (.internalServerError, "")
            try await server.test(.POST, "/api/v1/inspections/\(f.inspectionID)/ledger/import", beforeRequest: { req in
                req.signIn(cookie)
                req.headers.replaceOrAdd(name: .accept, value: "application/json")
                req.body = ByteBuffer(repeating: 0x41, count: 21 * 1024 * 1024)
            }, afterResponse: { res async in result = (res.status, res.body.string) })
            XCTAssertEqual(result.0, .payloadTooLarge)
            XCTAssertTrue(result.1.contains("20 MB") && result.1.contains("file.tooLarge"), result.1)
            // The web page's import says the same, with its form's token.
            let token = try await app.csrfToken(cookie)
            let boundary = "----rectify-big"
            var body = ByteBuffer(string: "--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(token)\r\n"
                                  + "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"台账.csv\"\r\n\r\n")
            body.writeRepeatingByte(0x41, count: 21 * 1024 * 1024)
            body.writeString("\r\n--\(boundary)--\r\n")
            try await server.test(.POST, "/inspections/\(f.inspectionID)/import", beforeRequest: { req in
                req.signIn(cookie)
                req.headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
                req.body = body
            }, afterResponse: { res async in result = (res.status, res.body.string) })
            XCTAssertEqual(result.0, .payloadTooLarge)
            XCTAssertTrue(result.1.contains("台账文件超过 20 MB"), result.1)
            // A large upload under the limit arrives streamed too: its token is still read,
            // and the file is judged on its content (here, not a ledger at all).
            var within = ByteBuffer(string: "--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(token)\r\n"
                                    + "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"扫描件.pdf\"\r\n\r\n%PDF-1.7\n")
            within.writeRepeatingByte(0, count: 3 * 1024 * 1024)
            within.writeString("\r\n--\(boundary)--\r\n")
            try await server.test(.POST, "/inspections/\(f.inspectionID)/import", beforeRequest: { req in
                req.signIn(cookie)
                req.headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
                req.body = within
            }, afterResponse: { res async in result = (res.status, res.body.string) })
            XCTAssertEqual(result.0, .unprocessableEntity)
            XCTAssertTrue(result.1.contains("无法识别的文件"), result.1.prefix(500).description)
            let tasks = try await TaskRecord.query(on: app.db).count()
            XCTAssertEqual(tasks, 1)
        }
    }

    /// Export as XLSX, import the file back: nothing changes (the demo's Liaoning ledger).
    func testTheExportedWorkbookImportsBackUnchanged() async throws {
        try await withApp(demo: true) { app in
            let admin = try await app.sessionCookie(login: "admin", password: "admin-demo")
            var xlsx = Data()
            try await app.test(.GET, "/api/v1/tasks/export.xlsx?inspection=1", beforeRequest: { $0.signIn(admin) }) { res async in
                XCTAssertEqual(res.status, .ok)
                XCTAssertEqual(res.headers.first(name: .contentType), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
                xlsx = Data(res.body.readableBytesView)
            }
            let rows = try XLSXReader.rows(xlsx)
            XCTAssertEqual(rows[0].cells, LedgerColumns.headers)
            XCTAssertEqual(rows.count, 1 + 58)
            XCTAssertEqual(rows[1].cells[0], "1")
            XCTAssertTrue(rows[1].cells[1].hasPrefix("一、思想认识不到位"), rows[1].cells[1])

            let service = LedgerImport(db: app.db, access: .system, clock: app.clock)
            let plan = try await service.plan(inspectionID: 1, data: xlsx).preview
            XCTAssertEqual(plan.counts, .init(create: 0, update: 0, unchanged: 58, invalid: 0),
                           plan.rows.filter { $0.action != "unchanged" }.map { "\($0.line) \($0.changes) \($0.problems)" }.joined(separator: "\n"))
            // And through the command line, preview then apply.
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-\(UUID().uuidString).xlsx").path
            try xlsx.write(to: URL(fileURLWithPath: path))
            defer { try? FileManager.default.removeItem(atPath: path) }
            let out = try await runCommand(ImportCommand(), [path, "--inspection", "1"], on: app)
            XCTAssertTrue(out.contains("无变化 58 项") && out.contains("无需导入"), out)
        }
    }

    func testTheCommandPreviewsThenApplies() async throws {
        try await withApp { app in
            let f = try await Fixture(app)
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-\(UUID().uuidString).csv").path
            try officeLedger(f).write(toFile: path, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let preview = try await runCommand(ImportCommand(), [path, "--inspection", String(f.inspectionID)], on: app)
            XCTAssertTrue(preview.contains("新建 5 项") && preview.contains("尚未写入"), preview)
            let countBefore = try await TaskRecord.query(on: app.db).count()
            XCTAssertEqual(countBefore, 1)
            let applied = try await runCommand(ImportCommand(), [path, "--inspection", String(f.inspectionID), "--apply"], on: app)
            XCTAssertTrue(applied.contains("已导入"), applied)
            let countAfter = try await TaskRecord.query(on: app.db).count()
            XCTAssertEqual(countAfter, 6)
            do {
                _ = try await runCommand(ImportCommand(), [path, "--inspection", "999"], on: app)
                XCTFail("an unknown inspection must be refused")
            } catch {
                XCTAssertTrue(Rectify.explain(error).contains("999"), Rectify.explain(error))
            }
        }
    }
}
