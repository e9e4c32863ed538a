import XCTVapor
@testable import RectifyServer
final class T: XCTestCase { func testX() { } }
