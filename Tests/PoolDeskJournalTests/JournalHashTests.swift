import Testing
@testable import PoolDeskJournal

@Suite("SHA-256 through swift-crypto (NIST vectors)")
struct JournalHashTests {
    @Test func emptyAndShortMessages() {
        #expect(JournalHash.hex(JournalHash.hash([UInt8]())) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(JournalHash.hex(JournalHash.hash(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(JournalHash.hex(JournalHash.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func longMessageAndIncrementalUpdates() {
        var hasher = JournalHash()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { hasher.update(chunk) }
        #expect(JournalHash.hex(hasher.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        // Every split of a 119-byte message (crossing the 55/56/64-byte padding edges) gives the same digest.
        let message = (0..<119).map { UInt8($0 & 0xff) }
        let whole = JournalHash.hash(message)
        for split in 0...message.count {
            var incremental = JournalHash()
            incremental.update(message[..<split])
            incremental.update(message[split...])
            #expect(incremental.finalize() == whole)
        }
        #expect(JournalCodec.digest(fromHex: JournalHash.hex(whole)) == whole)
    }

    @Test func chainLinksAreSHA256OfPreviousDigestAndCanonicalText() {
        // Computed independently (Python's hashlib): the genesis text and the link "previous 32 raw bytes ‖
        // UTF-8 canonical text" must hash exactly as before, or existing journals would stop verifying.
        let genesis = JournalCodec.genesisDigest(seed: 42, configurationJSON: "{\"a\":1}", scenarioJSON: "{}")
        #expect(JournalHash.hex(genesis) == "681f11a8daa3a1bae24ce1e533735e7e0dfd6ca1e995bc4630fa44c83606277b")
        let link = JournalCodec.chain(genesis, "C|1|0|0|order|{\"size\":\"2\"} Δ")
        #expect(JournalHash.hex(link) == "b966d8da8c4e1a0bcb18a03a5a85304563097b8e1e64427358b97a4657153da0")
    }
}
