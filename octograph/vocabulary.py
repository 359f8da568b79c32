"""The octograph vocabulary as a closed rdflib namespace: a typo is an error, not a new IRI."""
# ruff: noqa: N815  (attribute names are the ontology's camelCase terms)

from __future__ import annotations

from rdflib import URIRef
from rdflib.namespace import DefinedNamespace, Namespace

__all__ = ["OCTO"]


class OCTO(DefinedNamespace):
    """Terms of https://w3id.org/octograph/ontology# (see ontology/octograph.ttl)."""

    _NS = Namespace("https://w3id.org/octograph/ontology#")
    _fail = True

    # classes
    Approximation: URIRef
    Body: URIRef
    CapacityBuilding: URIRef
    Conference: URIRef
    Country: URIRef
    Event: URIRef
    Example: URIRef
    Figure: URIRef
    Guidance: URIRef
    Instrument: URIRef
    KeyMessage: URIRef
    Modality: URIRef
    NationalLegislation: URIRef
    Office: URIRef
    Organisation: URIRef
    Passage: URIRef
    Place: URIRef
    PoliticalCommitment: URIRef
    Project: URIRef
    Protocol: URIRef
    QualifiedStatement: URIRef
    Remedy: URIRef
    Report: URIRef
    Requirement: URIRef
    Sector: URIRef
    SourceText: URIRef
    Stakeholder: URIRef
    Tension: URIRef
    Threat: URIRef
    Treaty: URIRef
    Value: URIRef

    # properties and individuals
    adaptedThrough: URIRef
    addresses: URIRef
    administeredBy: URIRef
    aimedAt: URIRef
    approximately: URIRef
    approximation: URIRef
    basisFor: URIRef
    benefits: URIRef
    between: URIRef
    blueprintFor: URIRef
    cetsNumber: URIRef
    citesEvent: URIRef
    citesInstrument: URIRef
    concernsInstrument: URIRef
    concernsValue: URIRef
    conditionFor: URIRef
    consideredObstacleTo: URIRef
    considersImpactOn: URIRef
    containedIn: URIRef
    content: URIRef
    deliveredBy: URIRef
    editionNumber: URIRef
    exactly: URIRef
    exemplifies: URIRef
    followedUpBy: URIRef
    frameworkFor: URIRef
    fundedBy: URIRef
    guidedLegislationCount: URIRef
    hasExample: URIRef
    hasKeyMessage: URIRef
    hostedBy: URIRef
    identifiesThreat: URIRef
    inKeyMessage: URIRef
    inPreparation: URIRef
    inReport: URIRef
    involves: URIRef
    iso3166Alpha2Code: URIRef
    judgement: URIRef
    leadsTo: URIRef
    legalBasisFor: URIRef
    legallyBinding: URIRef
    likely: URIRef
    linkedTo: URIRef
    location: URIRef
    may: URIRef
    mentions: URIRef
    mentionsStakeholder: URIRef
    messageNumber: URIRef
    modality: URIRef
    modalWords: URIRef
    moreThan: URIRef
    must: URIRef
    namesTension: URIRef
    noMappingReason: URIRef
    nonModalWord: URIRef
    noStatementReason: URIRef
    observedSince: URIRef
    onCondition: URIRef
    openedBy: URIRef
    openingOfficialsFrom: URIRef
    openToAnyCountry: URIRef
    participantCount: URIRef
    participantCountryCount: URIRef
    participantKind: URIRef
    partOf: URIRef
    partOfProject: URIRef
    partyCount: URIRef
    passageNumber: URIRef
    proposesRemedy: URIRef
    protects: URIRef
    protocolTo: URIRef
    reconciles: URIRef
    reportsOn: URIRef
    requiredOf: URIRef
    requires: URIRef
    resolvedThrough: URIRef
    risks: URIRef
    sector: URIRef
    should: URIRef
    signatoryOrInviteeCount: URIRef
    sourceText: URIRef
    states: URIRef
    supportedBy: URIRef
    theme: URIRef
    todo: URIRef
    undermines: URIRef
    webAddress: URIRef
