using CohortFunctions.Identifiers;

namespace CohortFunctions.Matching;

/// <summary>
/// An identifier with what its sender wants for the user it names: in the cohort, or out of it when
/// <see cref="Remove"/>. What a postback asks for, what a pending row keeps, and what matching reports as unmatched.
/// </summary>
internal sealed record IdentifierIntent(Identifier Identifier, bool Remove);
