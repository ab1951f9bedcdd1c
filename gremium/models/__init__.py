from .committees import Committee, Institution, Membership, Person

__all__ = ["Committee", "Institution", "Membership", "Person"]
