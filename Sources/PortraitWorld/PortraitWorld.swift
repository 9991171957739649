/// The benchmark world: one synthetic population seen through all four silos, with the truth of who is who.
public enum PortraitWorld {}
