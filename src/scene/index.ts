export { openChatSession, ChatSession, type ChatSessionOptions, type ChatTurn, type TurnOptions, type PreparedPrompt } from './chat-session.ts';
