import XCTest
import RectifyCore

/// docs/lifecycle.md shows the transition table the code enforces.
final class LifecycleDocTests: XCTestCase {
    func testTheDocsShowTheTableTheCodeEnforces() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let doc = try String(contentsOf: root.appendingPathComponent("docs/lifecycle.md"), encoding: .utf8)
        let table = Lifecycle.markdownTable()
        XCTAssertTrue(doc.contains(table), "docs/lifecycle.md is out of date; its table should read:\n\(table)")
    }
}
