// SPDX-License-Identifier: Apache-2.0
// The Noise fuzz target's seeds (tests/fuzz/corpus/noise/), written by the
// hidden "[generate]" test with the target's fixed keys:
//   build/tests/fuzz_replay "[generate]"
// and a check that every scenario's valid seed still completes, so a change
// to the handshake that would silently stale the corpus fails here first.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "tests/fuzz/noise_targets.h"

namespace renda::fuzz {
namespace {

namespace fs = std::filesystem;
using net::noise::HandshakeState;

void appendFrame(std::string& out, const std::string& frame) {
  REQUIRE(frame.size() <= 0xffff);
  out += static_cast<char>(frame.size() & 0xff);
  out += static_cast<char>(frame.size() >> 8);
  out += frame;
}

// scenario byte || the peer's handshake messages || one transport message from the peer.
std::string validInput(uint8_t scenario) {
  auto pattern = noiseScenarioPattern(scenario);
  bool initiator = noiseScenarioInitiator(scenario);
  auto me = initiator ? HandshakeState::initiator(noiseFuzzConfig(pattern, true))
                      : HandshakeState::responder(noiseFuzzConfig(pattern, false));
  auto peer = initiator ? HandshakeState::responder(noiseFuzzConfig(pattern, false))
                        : HandshakeState::initiator(noiseFuzzConfig(pattern, true));
  REQUIRE(me.isOk());
  REQUIRE(peer.isOk());
  std::string input(1, static_cast<char>(scenario));
  for (size_t i = 0; i < net::noise::messageCount(pattern); ++i) {
    bool mine = me->isMyTurn();
    auto msg = mine ? me->writeMessage(noiseFuzzPayload(i))
                    : peer->writeMessage("peer payload " + std::to_string(i));
    REQUIRE(msg.isOk());
    REQUIRE((mine ? peer : me)->readMessage(*msg).isOk());
    if (!mine) appendFrame(input, *msg);
  }
  auto ciphers = peer->split();
  REQUIRE(ciphers.isOk());
  auto transport = ciphers->send.encrypt({}, crypto::asBytes("transport from the peer"));
  REQUIRE(transport.isOk());
  appendFrame(input, *transport);
  return input;
}

std::string seedName(uint8_t scenario) {
  auto name = net::noise::protocolName(noiseScenarioPattern(scenario));
  name = name.substr(6, name.find('_', 6) - 6);  // "XXpsk3"
  return name + (noiseScenarioInitiator(scenario) ? "_initiator" : "_responder");
}

TEST_CASE("NoiseFuzz: the valid input of every scenario completes the handshake", "[fuzz][noise]") {
  const Target* t = findTarget("noise");
  REQUIRE(t);
  for (uint8_t scenario = 0; scenario < 6; ++scenario) {
    INFO(seedName(scenario));
    std::string input = validInput(scenario);
    CHECK(t->run(reinterpret_cast<const uint8_t*>(input.data()), input.size()) ==
          Outcome::kAccepted);
    // Without its last handshake frame it does not (a responder under test
    // reads the last message; an initiator under test of XX the middle one).
    std::string cut = input.substr(0, 1);
    CHECK(t->run(reinterpret_cast<const uint8_t*>(cut.data()), cut.size()) == Outcome::kRejected);
  }
}

TEST_CASE("NoiseFuzz: write the seed corpus", "[.][generate]") {
  fs::path dir = fs::path(RENDA_FUZZ_CORPUS_DIR) / "noise";
  fs::create_directories(dir);
  auto write = [&](const std::string& name, const std::string& bytes) {
    std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    REQUIRE(out.good());
  };
  for (uint8_t scenario = 0; scenario < 6; ++scenario)
    write("valid_" + seedName(scenario), validInput(scenario));
  // The first message only, and one whose frame length runs past the end.
  std::string first = validInput(0);
  size_t firstLen = static_cast<uint8_t>(first[1]) | (static_cast<uint8_t>(first[2]) << 8);
  write("XXpsk3_responder_first_message_only", first.substr(0, 3 + firstLen));
  std::string longFrame = first.substr(0, 3 + firstLen / 2);
  write("XXpsk3_responder_frame_past_end", longFrame);
}

}  // namespace
}  // namespace renda::fuzz
