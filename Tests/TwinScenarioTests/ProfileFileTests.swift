import Foundation
import Testing
import TwinScenario
import TwinWorkloads

/// Software profile files: the shipped ones load, and a bad entry is an error at its position.
struct ProfileFileTests {
    static let profiles = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Scenarios/profiles")

    static func text(_ name: String) throws -> String {
        try String(contentsOf: profiles.appendingPathComponent("\(name).yaml"), encoding: .utf8)
    }

    @Test(arguments: ["llama.cpp", "sglang", "vllm"])
    func aShippedProfileLoadsWithASourceForEveryValue(name: String) throws {
        let profile = try ProfileFile.parse(text: try Self.text(name), file: "\(name).yaml")
        #expect(profile.name == name)
        for key in ["kernelGap", "activationFormat", "activationQuantize", "quantizedGEMMEfficiency"] {
            #expect(profile.sources[key]?.isEmpty == false, "\(name): \(key)")
        }
    }

    @Test func theActivationFormatsAndQuantizeListsDifferByFramework() throws {
        let llamaCPP = try ProfileFile.parse(text: try Self.text("llama.cpp"), file: "llama.cpp.yaml")
        let sglang = try ProfileFile.parse(text: try Self.text("sglang"), file: "sglang.yaml")
        #expect(llamaCPP.activationFormat == .f32 && llamaCPP.activationQuantize == [.q8_0, .q4_0, .mxfp4])
        #expect(sglang.activationFormat == .bf16 && sglang.activationQuantize == [.fp8, .nvfp4])
    }

    @Test func anUnknownFormatInTheQuantizeListIsAnErrorAtItsPosition() throws {
        let text = try Self.text("sglang").replacingOccurrences(of: "value: [fp8, nvfp4]", with: "value: [fp8, nvfp5]")
        let error = #expect(throws: ScenarioError.self) { try ProfileFile.parse(text: text, file: "bad.yaml") }
        let line = text.components(separatedBy: "\n").firstIndex { $0.contains("nvfp5") }! + 1
        #expect(error?.description.contains("bad.yaml:\(line):") == true, "\(error?.description ?? "")")
        #expect(error?.description.contains("activationQuantize.value[1]") == true)
        #expect(error?.description.contains("nvfp5") == true)
    }

    @Test func aQuantizeListWithoutItsSourceIsAnError() throws {
        let text = try Self.text("vllm").components(separatedBy: "\n").filter { !$0.contains("scaled_fp4_quant precedes") }.joined(separator: "\n")
        let error = #expect(throws: ScenarioError.self) { try ProfileFile.parse(text: text, file: "bad.yaml") }
        #expect(error?.description.contains("activationQuantize") == true && error?.description.contains("source") == true, "\(error?.description ?? "")")
    }
}
