import PoolDeskAPI
import PoolEngine
import Testing

@Suite("JSON-RPC requests")
struct JSONRPCTests {
    func decode(_ text: String) -> Result<JSONRPCRequest, APIError> { JSONRPCDecoder.decode(Array(text.utf8)) }

    @Test("a Deribit request decodes: method with or without a leading slash, named params, number or string id")
    func decodesRequests() throws {
        let request = try decode(#"{"jsonrpc":"2.0","id":7,"method":"/public/ticker","params":{"instrument_name":"BTC-1D-60000-C"}}"#).get()
        #expect(request.method == "public/ticker")
        #expect(request.id == 7)
        #expect(request.params["instrument_name"] == "BTC-1D-60000-C")
        #expect(try decode(#"{"id":"a","method":"public/test"}"#).get().id == "a")
    }

    @Test("malformed requests are JSON-RPC errors with the protocol's codes", arguments: [
        ("{", -32700), ("[1,2]", -32600), (#"{"id":1}"#, -32600), (#"{"method":""}"#, -32600),
        (#"{"method":"x","params":[1]}"#, -32600), (#"{"method":"x","id":{"a":1}}"#, -32600),
        (#"{"jsonrpc":"1.0","method":"x"}"#, -32600), ("", -32700), ("null", -32600),
    ])
    func malformed(text: String, code: Int) {
        guard case .failure(let error) = decode(text) else {
            Issue.record("\(text) decoded")
            return
        }
        #expect(error.code == code, "\(text): \(error)")
    }

    @Test("size and nesting limits are checked before parsing")
    func limits() {
        let big = #"{"method":"public/test","params":{"x":""# + String(repeating: "a", count: 70_000) + #""}}"#
        guard case .failure(let tooBig) = decode(big) else { Issue.record("accepted 70 kB"); return }
        #expect(tooBig.code == -32600)
        let deep = #"{"method":"public/test","params":{"x":"# + String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000) + "}}"
        guard case .failure(let tooDeep) = decode(deep) else { Issue.record("accepted 5,000 levels"); return }
        #expect(tooDeep.code == -32600)
        // Brackets inside strings do not count.
        #expect((try? decode(#"{"method":"public/test","params":{"x":"[[[[[[[[[[[[[[[[[[[[[[[["}}"#).get()) != nil)
    }

    @Test("random and mutated messages never trap the decoder (1,000,000 of them)")
    func fuzzedDecoder() {
        let seeds = [
            #"{"jsonrpc":"2.0","id":1,"method":"private/buy","params":{"instrument_name":"BTC-1D-60000-C","amount":"0.1","type":"limit","price":450}}"#,
            #"{"id":"x","method":"/public/get_instruments","params":{"currency":"BTC","kind":"option","expired":"false"}}"#,
            #"{"method":"public/auth","params":{"grant_type":"client_credentials","client_id":"a","client_secret":"b"}}"#,
        ].map { Array($0.utf8) }
        var random = SeededRandom(seed: 20_261_130)
        var decoded = 0
        let interesting: [UInt8] = Array(#"{}[]",:\ "0123456789-+.eE"#.utf8) + [0, 0xFF, 0xC3, 0x80, 0x0A]
        for round in 0..<1_000_000 {
            var bytes = seeds[round % seeds.count]
            if round % 7 == 0 {
                bytes = (0..<random.integer(in: 0...64)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            } else {
                for _ in 0...random.integer(in: 0...4) {
                    guard !bytes.isEmpty else { break }
                    let at = random.integer(in: 0...(bytes.count - 1))
                    switch random.integer(in: 0...3) {
                    case 0: bytes[at] = interesting[random.integer(in: 0...(interesting.count - 1))]
                    case 1: bytes.remove(at: at)
                    case 2: bytes.insert(interesting[random.integer(in: 0...(interesting.count - 1))], at: at)
                    default: bytes = Array(bytes.prefix(at))
                    }
                }
            }
            if case .success = JSONRPCDecoder.decode(bytes) { decoded += 1 }
        }
        // Most mutations break the message, but some still decode: both paths were exercised.
        #expect(decoded > 1_000 && decoded < 1_000_000, "\(decoded) decoded")
    }
}
