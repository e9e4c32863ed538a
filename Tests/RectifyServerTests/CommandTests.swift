import Fluent
import XCTVapor
import RectifyCore
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
            XCTAssertEqual(tasks, 209 + DemoLive.plans.count)
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
