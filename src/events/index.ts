export { Visibility, EventKind, SceneEvent, type NewEvent } from './scene-event.ts';
export { canSee, perspectiveOf } from './visibility.ts';
