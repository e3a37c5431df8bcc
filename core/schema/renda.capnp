# SPDX-License-Identifier: Apache-2.0
# The wire and disk format of renda: signed envelopes, changes, certificates,
# revocations, summaries and bundle headers. Every signed body is the canonical
# single-segment encoding of its struct, without a segment table; signatures are
# over a per-type context prefix, the 32-byte network id, and those exact bytes.
# Fields are only ever added (new ordinals), never renumbered or retyped.
@0xd7a82bd681844b7a;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("renda::schema");

# Envelope: how a change travels and is stored. The signature covers
#   "renda/change/v1\0" || network id (32) || body
# where body is the canonical bytes of a Change. The change id is
# BLAKE2b-256("renda/id/v1\0" || body).
struct Envelope {
  suite @0 :UInt16;     # crypto suite: 1 = Ed25519 + BLAKE2b-256
  signer @1 :Data;      # 32-byte Ed25519 public key; must equal Change.author
  sig @2 :Data;         # 64-byte detached Ed25519 signature
  body @3 :Data;        # canonical Change bytes, at most limits::kMaxChangeBytes
}

enum Role {
  township @0;          # a township node: writes its own township's records
  county @1;            # the county office node: may write every record
}

enum RecordKind {
  deputy @0;            # 代表
  station @1;           # 代表之家 / 联络站
  suggestion @2;        # 代表建议 / 议案
  dutyRecord @3;        # 履职记录
  term @4;              # 届
  session @5;           # 次会议 (or an inter-session year)
  township @6;          # 乡镇
  deputyGroup @7;       # 代表小组
  handlingUnit @8;      # 承办单位
  settings @9;          # county-configurable taxonomies and deadlines
  reception @10;        # 接待 at a station
  constituentIssue @11; # 社情民意
  reportBack @12;       # 述职
  rotaSlot @13;         # 值班
  mandate @14;          # a deputy's seat at one level for one term
}

# One named field value. Values are UTF-8 text; the domain layer gives them types.
struct Field {
  name @0 :Text;        # [a-zA-Z][a-zA-Z0-9]*, at most 32 bytes
  value @1 :Text;       # at most limits::kMaxFieldValueBytes
}

# A signed inner object (certificate or revocation). The signature covers
#   context || network id || body
# with context "renda/cert/v1\0" or "renda/revocation/v1\0".
struct SignedBlob {
  body @0 :Data;        # canonical Certificate or Revocation bytes
  sig @1 :Data;         # 64 bytes, by Certificate.issuer / the county root key
}

# Membership certificate: the county (root key) admits a node key.
# A device may also certify its own successor key (issuer = the old device key,
# same township and role), which is how a restored store gets a fresh key.
struct Certificate {
  subject @0 :Data;     # 32-byte Ed25519 device key being admitted
  issuer @1 :Data;      # 32-byte key that signs: county root, or predecessor device key
  township @2 :Text;    # the township the node writes for; empty for the county role
  role @3 :Role;
  validFromMs @4 :UInt64;   # changes stamped (HLC) before this are refused
  validUntilMs @5 :UInt64;  # changes stamped after this are refused; 0 = no end
  label @6 :Text;       # a human name for the node, e.g. "城关镇人大主席办公室"
}

# Revocation by the county root. It pins the subject's last valid change by
# number and id: the changes that change follows (and it) stay valid; any other
# change of the subject numbered up to cutoffSeq, and every later one, is kept
# as evidence and never applied, everywhere.
struct Revocation {
  subject @0 :Data;     # 32-byte device key
  cutoffSeq @1 :UInt64; # last valid seq of the subject (0: none is valid)
  reason @2 :Text;
  cutoffId @3 :Data;    # 32-byte id of the subject's change cutoffSeq; empty when cutoffSeq = 0
}

# Settlement of a fork by the county root: of the subject's branches, the one
# through change `keep` is its history; the other branches stay as evidence.
# Signed with context "renda/settle/v1\0".
struct Settlement {
  subject @0 :Data;     # 32-byte device key that forked
  keep @1 :Data;        # 32-byte id of the branch head to keep
  keepSeq @2 :UInt64;   # its number
  reason @3 :Text;
}

# Creates a record. The record id is the id of the change that carries this op.
struct Create {
  kind @0 :RecordKind;
  scope @1 :Text;       # owner township name; "" = a county record
  fields @2 :List(Field);
}

# Sets fields of an existing record. `parents` are the record's versions (change
# ids) the author had seen: the edit supersedes them and their ancestors.
struct Update {
  record @0 :Data;      # 32-byte record id
  parents @1 :List(Data);
  fields @2 :List(Field);
  action @3 :Text;      # "" = set fields; else a life-cycle event ("register", "assign",
                        # "cosign", ...) whose fields are its data, kept as its own item
}

# A node announces its own X25519 encryption key (separate from its Ed25519
# device key), to which other nodes seal personal fields (core/sealed.h). The
# change's author is the node the key belongs to; its latest applied
# announcement is its current key.
struct EncryptionKey {
  publicKey @0 :Data;   # 32-byte X25519 public key
}

struct Change {
  suite @0 :UInt16;     # 1
  network @1 :Data;     # 32-byte county network id
  author @2 :Data;      # 32-byte Ed25519 device key
  seq @3 :UInt64;       # 1, 2, 3, ... per author
  prev @4 :Data;        # id of the author's change seq-1; empty when seq = 1
  deps @5 :List(Data);  # ids of other authors' changes newly seen since prev
  hlc @6 :UInt64;       # hybrid logical clock: ms since epoch << 16 | counter
  union {  # the operation
    create @7 :Create;
    update @8 :Update;
    certificate @9 :SignedBlob;
    revocation @10 :SignedBlob;
    encryptionKey @12 :EncryptionKey;  # added later: existing changes' bytes are unchanged
    settlement @13 :SignedBlob;        # a Settlement, signed by the county root
    transportKey @14 :EncryptionKey;   # the author's X25519 key for sync sessions (Noise static key)
  }
  prevSig @11 :Data;    # BLAKE2b-256 of the signature of the author's change seq-1, so
                        # the hash chain authenticates earlier signatures too; optional
}

# A node's version vector: for each author, the highest seq held and the id of
# that change. An author whose changes branch (a fork) has one entry per branch
# tip, sorted by seq then id.
struct SummaryEntry {
  author @0 :Data;
  seq @1 :UInt64;
  id @2 :Data;
}

struct Summary {
  network @0 :Data;
  node @1 :Data;        # the producing node's device key
  createdMs @2 :UInt64;
  entries @3 :List(SummaryEntry);
}

# Bundle header and trailer: signed by the producer with context
# "renda/bundle/v1\0" over network id || body.
struct BundleHeader {
  network @0 :Data;
  producer @1 :Data;
  createdMs @2 :UInt64;
  prerequisites @3 :List(SummaryEntry);  # what the receiver must already hold
  countyName @4 :Text;
  rootKey @5 :Data;      # the county root public key (so a new node can join from it)
  networkSecret @6 :Data;  # enrollment files only: the county network's 32-byte secret (the
                           # sync handshake's pre-shared key); such files are kept like key files
}

# (BundleHeader.networkSecret is set only in enrollment files.)

struct BundleTrailer {
  changeCount @0 :UInt64;
  contentHash @1 :Data;  # BLAKE2b-256 over every byte of the file before the trailer frame
}

# --- The sync protocol (net/sync.h) ------------------------------------------
# Inside a Noise_XXpsk3_25519_ChaChaPoly_BLAKE2b session (net/channel.h), each
# side proves which node it is in its handshake payload, then both exchange
# summaries and stream each other the changes the other lacks. Every message
# is a flat Cap'n Proto message of at most limits::kMaxSyncMessageBytes.

# The handshake payload: the sender's signed announcement of the transport key
# it uses in this handshake, and, for a receiver that may not know the sender
# yet, the changes that admit it (its certificate by the county root, or its
# predecessor's succession certificate).
struct HandshakePayload {
  version @0 :UInt16;            # 1
  announcement @1 :Data;         # envelope of the sender's transportKey change
  admission @2 :List(Data);      # envelopes of changes carrying certificates of the sender
}

struct SyncHello {
  node @0 :Data;                  # the sender's device key
  entryCount @1 :UInt32;          # entries in the sender's summary
  entries @2 :List(SummaryEntry); # the whole summary, when it is small
  buckets @3 :List(Data);         # otherwise: 256 fingerprints (16 bytes) of the entries whose
                                  # author starts with byte 0..255; entries follow in `summary`
                                  # messages for the buckets whose fingerprints differ
  zstd @4 :Bool;                  # the sender reads zstd-compressed batches
  listenPort @5 :UInt16;          # where the sender takes sessions (0: nowhere), so that the
                                  # peer can come back to it when it has news
}

struct ChangeBatch {
  number @0 :UInt64;     # 1, 2, 3 ... in this session
  count @1 :UInt32;      # envelopes in it
  zstd @2 :Bool;         # data is one zstd frame
  data @3 :Data;         # count x (u32 LE length | envelope bytes)
}

struct SyncMessage {
  union {
    hello @0 :SyncHello;
    summary @1 :List(SummaryEntry);  # the sender's entries in buckets that differ
    summaryEnd @2 :Void;             # the sender's summary is complete
    changes @3 :ChangeBatch;
    ack @4 :UInt64;                  # the sender committed every batch up to this number
    done @5 :UInt64;                 # the sender sent every batch it had for the peer: how many
    ping @6 :UInt64;
    pong @7 :UInt64;
    goodbye @8 :Text;                # the session ends: "" = all done; else why, for the log
    diverged @9 :List(Data);         # sent once both summaries are in: the authors of whom the
                                     # sender holds a change with a number the peer's summary
                                     # names with another id (branches the peer may lack): the
                                     # peer sends all its changes of them. The streams start after it.
  }
}
