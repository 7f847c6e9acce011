"""The one route of a message, from a connector to its replies.

A connector hands an `Incoming` to `ConversationService` (its handler). The service wraps it
in an `Inbound` (text normalised once, command parsed once against the router's one command
table) and sends it down a pipeline of small middlewares, each of which may answer or pass on:

    dedupe -> group refusal -> registration -> per-person lock -> router

The router holds the command table and the routes: coordinator and admin commands go to their
handlers (each route declares the role it needs), dialogs (an admin's template upload) take
the messages they are waiting for, and everything else goes to the conversation engine, whose
step is committed before its replies are returned.
"""
