import Fluent
import XCTVapor
import RectifyCore
import RectifyOffice
@testable import RectifyServer

/// The CLI commands, run in-process against the test database.
final class CommandTests: XCTestCase {
    func testUserAddAsksForThePasswordTwiceAndStoresOnlyItsHash() async throws {
        try await withApp(demo: true) { app in
            let console = RecordingConsole(answers: ["a long password", "a long password"])
            let out = try await runCommand(UserAddCommand(), ["--login", "wang", "--name", "王静", "--role", "office,leader",
                                                       "--unit", "盘锦市环境保护局"], on: app, console: console)
            XCTAssertTrue(out.contains("已新增用户 wang"), out)
            let user = try await User.query(on: app.db).filter(\.$login == "wang").with(\.$unit).first()
            XCTAssertEqual(user?.roles, [.office, .leader])
            XCTAssertEqual(user?.unit?.name, "盘锦市环境保护局")
            XCTAssertTrue(try app.password.verify("a long password", created: user!.passwordHash))
        }
    }

    func testUserAddRefusesMismatchedPasswordsUnknownRolesAndUnknownUnits() async throws {
        try await withApp(demo: true) { app in
            let cases: [([String], [String], String)] = [
                (["--login", "li", "--name", "李", "--role", "unit", "--unit", "辽宁省水利厅"], ["password-1", "password-2"], "不一致"),
                (["--login", "li", "--name", "李", "--role", "chief"], [], "未知角色"),
                (["--login", "li", "--name", "李", "--role", "unit", "--unit", "不存在的单位"], [], "没有名为"),
                (["--login", "li", "--name", "李"], [], "缺少参数"),
            ]
            for (args, answers, expected) in cases {
                do {
                    _ = try await runCommand(UserAddCommand(), args, on: app, console: RecordingConsole(answers: answers))
                    XCTFail("\(args) should be refused")
                } catch {
                    XCTAssertTrue(Rectify.explain(error).contains(expected), Rectify.explain(error))
                }
            }
            let li = try await User.query(on: app.db).filter(\.$login == "li").count()
            XCTAssertEqual(li, 0)
        }
    }

    func testPetitionsListImportAndExportFromTheTerminal() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let batch = try await PetitionTests.batch(f)
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("petitions-\(UUID().uuidString).csv")
            let xlsx = FileManager.default.temporaryDirectory.appendingPathComponent("handling-\(UUID().uuidString).xlsx")
            defer { try? FileManager.default.removeItem(at: file); try? FileManager.default.removeItem(at: xlsx) }
            let csv = #"""
                受理编号,交办问题基本情况,被举报对象,办理单位,举报人,联系电话
                D3LN0001,夜间偷排废气,某化工厂,辽宁省发展和改革委员会,王五,13700001111
                X3LN0002,"砖厂冒黑烟, ""昼夜""",某砖厂,辽宁省发展和改革委员会,,
                """#
            try Data(csv.utf8).write(to: file)
            let preview = try await runCommand(PetitionImportCommand(), [file.path, "--batch", String(batch)], on: app)
            XCTAssertTrue(preview.contains("新登记 2 件"), preview)
            XCTAssertTrue(preview.contains("这是预览"), preview)
            let none = try await PetitionCase.query(on: app.db).count()
            XCTAssertEqual(none, 0, "a preview writes nothing")
            let applied = try await runCommand(PetitionImportCommand(), [file.path, "--batch", String(batch), "--apply"], on: app)
            XCTAssertTrue(applied.contains("已导入"), applied)
            let list = try await runCommand(PetitionListCommand(), [], on: app)
            XCTAssertTrue(list.contains("第1批"), list)
            XCTAssertTrue(list.contains("待核查 2"), list)
            XCTAssertTrue(list.contains("督察组交办的2件群众信访举报件,已办结0件。"), list)
            let exported = try await runCommand(PetitionExportCommand(), ["--batch", String(batch), "--output", xlsx.path], on: app)
            XCTAssertTrue(exported.contains("已导出 2 件"), exported)
            let rows = try XLSXReader.rows(Data(contentsOf: xlsx))
            XCTAssertEqual(rows.first?.cells, HandlingList.headers)
            XCTAssertFalse(rows.flatMap(\.cells).joined().contains("13700001111"), "never the complainant")
            let published = try await runCommand(PetitionExportCommand(), ["--batch", String(batch), "--output", xlsx.path, "--public"], on: app)
            XCTAssertTrue(published.contains("已导出 0 件"), published)
            for (command, args, expected): (any AnyAsyncCommand, [String], String) in [
                (PetitionImportCommand(), [file.path], "缺少参数"),
                (PetitionImportCommand(), [file.path, "--batch", "99999"], "没有编号为 99999 的批次"),
                (PetitionImportCommand(), ["/no/such/file.csv", "--batch", String(batch)], "找不到文件"),
                (PetitionExportCommand(), ["--batch", "99999", "--output", xlsx.path], "没有编号为 99999 的批次"),
            ] {
                do {
                    _ = try await runCommand(command, args, on: app)
                    XCTFail("\(args) should be refused")
                } catch {
                    XCTAssertTrue(Rectify.explain(error).contains(expected), Rectify.explain(error))
                }
            }
        }
    }

    func testUserPasswdChangesThePassword() async throws {
        try await withApp(demo: true) { app in
            let console = RecordingConsole(answers: ["a new password", "a new password"])
            _ = try await runCommand(UserPasswdCommand(), ["--login", "unit"], on: app, console: console)
            let user = try await User.query(on: app.db).filter(\.$login == "unit").first()
            XCTAssertTrue(try app.password.verify("a new password", created: user!.passwordHash))
            XCTAssertFalse(try app.password.verify("unit-demo", created: user!.passwordHash))
        }
    }

    func testDemoLoadsIntoAnEmptyDatabaseAndRefusesAFullOne() async throws {
        try await withApp { app in
            let out = try await runCommand(DemoCommand(), [], on: app)
            XCTAssertTrue(out.contains("7 次督察"), out)
            do {
                _ = try await runCommand(DemoCommand(), [], on: app)
                XCTFail("a second demo load must be refused")
            } catch {
                XCTAssertTrue(Rectify.explain(error).contains("数据库中已有数据"))
            }
            let tasks = try await TaskRecord.query(on: app.db).count()
            // The seeds' tasks (盘锦's 61 items are petition cases), the living demo's, and the parts split
            // to cities and 盘山县 (issue 14): three for each of Liaoning's split tasks and for the living demo's.
            XCTAssertEqual(tasks, 149 + DemoLive.plans.count + 3 * DemoLevels.splitTasks.count + DemoLive.parts)
        }
    }

    func testMigrateIsIdempotent() async throws {
        try await withApp { app in
            _ = try await runCommand(MigrateDatabaseCommand(), [], on: app)
            let out = try await runCommand(MigrateDatabaseCommand(), [], on: app)
            XCTAssertTrue(out.contains("数据库结构已是最新"))
        }
    }

    func testUnknownOptionsAreRefused() async throws {
        try await withApp { app in
            do {
                _ = try await runCommand(MigrateDatabaseCommand(), ["--bogus"], on: app)
                XCTFail("unknown options must be refused")
            } catch {
                XCTAssertEqual(Rectify.explain(error), "无法识别的参数:--bogus。运行 rectify --help 或 rectify <命令> --help 查看用法。")
            }
        }
    }
}
