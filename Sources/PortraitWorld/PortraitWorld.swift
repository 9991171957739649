/// The benchmark world: one synthetic population seen through all four silos, with the truth of who is who.
///
/// ``WorldGenerator`` writes it (`portrait generate`); ``Population`` is the people behind it, for tests and
/// evaluations that compare what the silos hold with who the people really are; ``WorldConfig`` holds every
/// rate. What is generated and why: `docs/WORLD.md`.
public enum PortraitWorld {}
