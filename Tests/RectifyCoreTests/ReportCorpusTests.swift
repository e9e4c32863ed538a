import Foundation
import XCTest
import RectifyCore

/// Issue 16: the importer reads the genre, not one document. Fixtures/report-corpus holds
/// texts written for these tests in the layouts offices publish (run-together paragraphs,
/// summaries first, every item prefix, traditional characters with pinyin, mixed widths,
/// web-page noise) with what a reader finds in each. Each text's recall and precision are
/// printed; together they must reach 0.95, and every text's summary figures must be exact.
final class ReportCorpusTests: XCTestCase {
    struct Expected: Decodable {
        struct Problem: Decodable { let number: Int; let titleContains: String; let status: String; let longTerm: Bool? }
        let layouts: [String]
        let problems: [Problem]
        let figures: [String: Double]
    }

    static func corpus(_ folder: String = "report-corpus") throws -> [(name: String, text: String, expected: Expected)] {
        let dir = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil)).appendingPathComponent(folder)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".txt") }.sorted()
        return try names.map { name in
            let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            let json = try Data(contentsOf: dir.appendingPathComponent(String(name.dropLast(4)) + ".json"))
            return (name, text, try JSONDecoder().decode(Expected.self, from: json))
        }
    }

    /// The figures as a dictionary, only those stated.
    static func stated(_ f: ReportParser.Figures) -> [String: Double] {
        let data = (try? JSONEncoder().encode(f)) ?? Data()
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return object.compactMapValues { ($0 as? NSNumber)?.doubleValue }
    }

    /// A parsed problem is right when its number, words and status are the expected ones.
    static func score(_ r: ReportParser.Result, _ e: Expected) -> (right: Int, found: Int, expected: Int, misses: [String]) {
        var right = 0
        var misses: [String] = []
        var unused = r.problems
        for p in e.problems {
            let title = p.titleContains.filter { !$0.isWhitespace }
            if let i = unused.firstIndex(where: { q in
                q.number == p.number && q.text.filter { !$0.isWhitespace }.contains(title) && q.status.rawValue == p.status
                    && (p.longTerm == nil || q.longTerm == p.longTerm)
            }) {
                right += 1
                unused.remove(at: i)
            } else {
                let got = r.problems.first { $0.number == p.number }
                misses.append("#\(p.number) \(p.titleContains) \(p.status)\(p.longTerm == true ? "+长期" : "") ← "
                              + (got.map { "\($0.status.rawValue)\($0.longTerm ? "+长期" : "") 「\($0.text.prefix(30))」 「\($0.statusText.prefix(30))」" } ?? "not found"))
            }
        }
        for q in unused { misses.append("extra #\(q.number) 「\(q.text.prefix(30))」 \(q.status.rawValue)") }
        return (right, r.problems.count, e.problems.count, misses)
    }

    func testTheCorpusIsReadWithNinetyFivePercentRecallAndPrecisionAndExactFigures() throws {
        let corpus = try Self.corpus()
        XCTAssertGreaterThanOrEqual(corpus.count, 20, "the issue asks for at least 20 texts")
        try check(corpus, "report corpus")
    }

    /// A second corpus, written by another hand after the parser was done, without reading it or
    /// the first corpus (the issue's "unseen texts"): measured before anything was changed for it.
    func testTheUnseenCorpusIsReadWithNinetyFivePercentRecallAndPrecisionAndExactFigures() throws {
        let corpus = try Self.corpus("report-corpus-unseen")
        XCTAssertGreaterThanOrEqual(corpus.count, 14)
        try check(corpus, "unseen corpus")
    }

    /// A third, by another hand again, after the fixes the second one led to: measured as it came too.
    func testTheSecondUnseenCorpusIsReadWithNinetyFivePercentRecallAndPrecisionAndExactFigures() throws {
        let corpus = try Self.corpus("report-corpus-unseen-2")
        XCTAssertGreaterThanOrEqual(corpus.count, 12)
        try check(corpus, "second unseen corpus")
    }

    func check(_ corpus: [(name: String, text: String, expected: Expected)], _ title: String) throws {
        var right = 0, found = 0, expected = 0
        var report: [String] = []
        for (name, text, e) in corpus {
            let r = ReportParser.parse(text)
            let s = Self.score(r, e)
            right += s.right; found += s.found; expected += s.expected
            let recall = s.expected == 0 ? 1 : Double(s.right) / Double(s.expected)
            let precision = s.found == 0 ? (s.expected == 0 ? 1 : 0) : Double(s.right) / Double(s.found)
            report.append(String(format: "%@ recall %.2f precision %.2f (%d/%d, %d found) layout %@", name, recall, precision, s.right,
                                 s.expected, s.found, r.layout ?? "none") + (s.misses.isEmpty ? "" : "\n    " + s.misses.joined(separator: "\n    ")))
            let figures = Self.stated(r.figures)
            XCTAssertEqual(figures, e.figures, "\(name): figures")
        }
        let recall = Double(right) / Double(max(expected, 1)), precision = Double(right) / Double(max(found, 1))
        print("\(title): recall \(String(format: "%.3f", recall)), precision \(String(format: "%.3f", precision)) over \(expected) problems\n"
              + report.joined(separator: "\n"))
        XCTAssertGreaterThanOrEqual(recall, 0.95, report.joined(separator: "\n"))
        XCTAssertGreaterThanOrEqual(precision, 0.95, report.joined(separator: "\n"))
    }
}
