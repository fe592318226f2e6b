/*
 * render_grades.h - render --grades: grade-batch's grades.json (render_grades.c).
 */
#ifndef IPC_KIT_RENDER_GRADES_H
#define IPC_KIT_RENDER_GRADES_H

/* The whole command, argv as render got it; returns its exit status. */
int render_grades_main(int argc, char **argv);

#endif
