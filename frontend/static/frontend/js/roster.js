// Who is seated in a room, as both room pages show it: the room's full view (`RoomView`) read
// once, then kept current by `participant`, `participant_gone`, `hands` and `floor` frames
// (docs/protocol.md, Rooms). No DOM here: tests/js/roster.test.mjs drives it.

export class Roster {
  /** @param {object | null} view a `RoomView` (its `present`, `hands` and `floor`) */
  constructor(view = null) {
    this.reset(view);
  }

  /** Forget everything for the room's full view (a welcome or a `room_state`). */
  reset(view) {
    this.cards = new Map(); // handle -> ParticipantCard, in arrival order
    for (const card of (view && view.present) || []) this.cards.set(card.handle, { ...card });
    this.hands = [...((view && view.hands) || [])];
    this.floor = (view && view.floor) || null;
  }

  /** A seated participant arrived or changed; true when they are new here. */
  upsert(card) {
    const known = this.cards.has(card.handle);
    this.cards.set(card.handle, { ...(this.cards.get(card.handle) || {}), ...card });
    return !known;
  }

  /** A participant is gone: their card (null when unknown); their hand and floor go too. */
  remove(handle) {
    const card = this.cards.get(handle) || null;
    this.cards.delete(handle);
    this.hands = this.hands.filter((raised) => raised !== handle);
    if (this.floor === handle) this.floor = null;
    return card;
  }

  setHands(hands) {
    this.hands = [...hands];
  }

  setFloor(handle) {
    this.floor = handle || null;
  }

  get size() {
    return this.cards.size;
  }

  name(handle) {
    const card = this.cards.get(handle);
    return card ? card.pseudonym : null;
  }

  /** 1 for the first hand raised, 2 for the next...; null for a hand down. */
  handOrder(handle) {
    const index = this.hands.indexOf(handle);
    return index < 0 ? null : index + 1;
  }

  /** Every seated participant in arrival order, with their hand's place and the floor. */
  entries() {
    return [...this.cards.values()].map((card) => ({
      ...card, handOrder: this.handOrder(card.handle), hasFloor: this.floor === card.handle,
    }));
  }

  /** The raised hands in the order raised, as entries (a hand of someone unknown is left out
   * until their card arrives). */
  queue() {
    return this.hands.filter((handle) => this.cards.has(handle))
      .map((handle) => ({ ...this.cards.get(handle), handOrder: this.handOrder(handle),
                          hasFloor: this.floor === handle }));
  }
}
