import Foundation
import Plot
import RectifyOffice

/// Charts drawn by the server as SVG (no script, no library): donut, bars, stacked
/// bars and a line. Each goes out with a table of its numbers (`Node.figures`), so
/// it prints, and a screen reader reads the table.
enum Charts {
    struct Segment {
        let label: String
        let value: Int
        /// A class of the stylesheet (`s-green`, `s-red`, …) that colours the shape.
        let tone: String
    }

    static func esc(_ s: String) -> String { XMLText.escape(s) }

    static func svg(_ width: Int, _ height: Int, label: String, _ body: String) -> Node<HTML.BodyContext> {
        .raw("""
            <svg class="chart" viewBox="0 0 \(width) \(height)" width="100%" role="img" aria-label="\(esc(label))" \
            preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">\(body)</svg>
            """)
    }

    /// A ring of the parts of a whole, the total in the middle.
    static func donut(_ segments: [Segment], label: String, centre: String) -> Node<HTML.BodyContext> {
        let total = segments.map(\.value).reduce(0, +)
        let r = 60.0, c = 2 * Double.pi * r
        var offset = 0.0
        var body = "<circle cx=\"80\" cy=\"80\" r=\"60\" class=\"ring\" />"
        for s in segments where s.value > 0 && total > 0 {
            let length = c * Double(s.value) / Double(total)
            body += "<circle cx=\"80\" cy=\"80\" r=\"60\" class=\"arc \(s.tone)\" stroke-dasharray=\"\(fmt(length)) \(fmt(c - length))\" "
                + "stroke-dashoffset=\"\(fmt(-offset))\" transform=\"rotate(-90 80 80)\"><title>\(esc(s.label)):\(s.value)</title></circle>"
            offset += length
        }
        body += "<text x=\"80\" y=\"78\" class=\"big\" text-anchor=\"middle\">\(total)</text>"
        body += "<text x=\"80\" y=\"98\" class=\"small\" text-anchor=\"middle\">\(esc(centre))</text>"
        var y = 20
        for s in segments {
            body += "<rect x=\"170\" y=\"\(y - 10)\" width=\"12\" height=\"12\" class=\"\(s.tone)\" />"
            body += "<text x=\"188\" y=\"\(y)\" class=\"small\">\(esc(s.label)) \(s.value)</text>"
            y += 20
        }
        return svg(340, max(160, y), label: label, body)
    }

    /// Horizontal bars, one a row, longest scale to the widest bar.
    static func bars(_ rows: [Segment], label: String) -> Node<HTML.BodyContext> {
        let maxValue = max(rows.map(\.value).max() ?? 0, 1)
        var body = ""
        for (i, row) in rows.enumerated() {
            let y = i * 26 + 4
            let w = Int(220.0 * Double(row.value) / Double(maxValue))
            body += "<text x=\"0\" y=\"\(y + 14)\" class=\"small\">\(esc(row.label))</text>"
            body += "<rect x=\"110\" y=\"\(y)\" width=\"\(max(w, row.value > 0 ? 2 : 0))\" height=\"18\" class=\"\(row.tone)\"><title>\(esc(row.label)):\(row.value)</title></rect>"
            body += "<text x=\"\(116 + w)\" y=\"\(y + 14)\" class=\"small\">\(row.value)</text>"
        }
        return svg(380, max(rows.count * 26 + 8, 30), label: label, body)
    }

    /// One bar a row, split into its parts.
    static func stacked(_ rows: [(String, [Segment])], label: String) -> Node<HTML.BodyContext> {
        let maxTotal = max(rows.map { $0.1.map(\.value).reduce(0, +) }.max() ?? 0, 1)
        var body = ""
        for (i, (name, parts)) in rows.enumerated() {
            let y = i * 24 + 4
            body += "<text x=\"0\" y=\"\(y + 13)\" class=\"small\">\(esc(String(name.prefix(9))))</text>"
            var x = 130.0
            for p in parts where p.value > 0 {
                let w = 240.0 * Double(p.value) / Double(maxTotal)
                body += "<rect x=\"\(fmt(x))\" y=\"\(y)\" width=\"\(fmt(w))\" height=\"16\" class=\"\(p.tone)\"><title>\(esc(name)) \(esc(p.label)):\(p.value)</title></rect>"
                x += w
            }
            body += "<text x=\"\(fmt(x + 4))\" y=\"\(y + 13)\" class=\"small\">\(parts.map(\.value).reduce(0, +))</text>"
        }
        return svg(420, max(rows.count * 24 + 8, 30), label: label, body)
    }

    /// A line over labelled points (months), with dots and values.
    static func line(_ points: [(String, Int)], label: String) -> Node<HTML.BodyContext> {
        let maxValue = max(points.map(\.1).max() ?? 0, 1)
        let w = 420.0, h = 120.0, left = 30.0, top = 16.0
        let step = points.count > 1 ? (w - 2 * left) / Double(points.count - 1) : 0
        var path = ""
        var body = "<line x1=\"\(fmt(left))\" y1=\"\(fmt(top + h))\" x2=\"\(fmt(w - left))\" y2=\"\(fmt(top + h))\" class=\"axis\" />"
        for (i, (name, value)) in points.enumerated() {
            let x = left + Double(i) * step
            let y = top + h - h * Double(value) / Double(maxValue)
            path += (i == 0 ? "M" : "L") + "\(fmt(x)) \(fmt(y)) "
            body += "<circle cx=\"\(fmt(x))\" cy=\"\(fmt(y))\" r=\"3\" class=\"dot\"><title>\(esc(name)):\(value)</title></circle>"
            if value > 0 { body += "<text x=\"\(fmt(x))\" y=\"\(fmt(y - 6))\" class=\"small\" text-anchor=\"middle\">\(value)</text>" }
            if i % max(1, points.count / 6) == 0 || i == points.count - 1 {
                body += "<text x=\"\(fmt(x))\" y=\"\(fmt(top + h + 16))\" class=\"small\" text-anchor=\"middle\">\(esc(name))</text>"
            }
        }
        body = "<path d=\"\(path)\" class=\"line\" />" + body
        return svg(Int(w), Int(top + h + 24), label: label, body)
    }

    /// A coordinate to one decimal, as `%.1f` would write it but without Foundation's
    /// format parser, which was a seventh of the dashboard's time. Coordinates are small;
    /// anything not finite or beyond ±10¹⁴ is drawn at 0 rather than trapping.
    static func fmt(_ d: Double) -> String {
        let tenths = (d * 10).rounded()
        guard tenths.isFinite, abs(tenths) < 1e15 else { return "0.0" }
        let n = Int(tenths)
        let a = n.magnitude
        return "\(n < 0 ? "-" : "")\(a / 10).\(a % 10)"
    }
}
